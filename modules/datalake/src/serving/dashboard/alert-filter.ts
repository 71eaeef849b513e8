import { InvalidParameterError, parseBound } from '../../time-range.js';
import { ALERT_KINDS, type AlertKind, type DashboardAlert } from './alert-record.js';

/** The Alerts view's filters (`GET /alerts…?gateway=&kind=&from=&to=`); absent fields match all. */
export interface AlertFilter {
  gateway?: string;
  /** One or more kinds (`kind=long-gap,over`). */
  kinds?: AlertKind[];
  /** Event time, epoch ms, half-open [from, to). */
  from?: number;
  to?: number;
}

export function parseAlertFilter(raw: Record<string, unknown>): AlertFilter {
  const filter: AlertFilter = {};
  if (typeof raw.gateway === 'string' && raw.gateway !== '') filter.gateway = raw.gateway;
  if (typeof raw.kind === 'string' && raw.kind !== '') {
    const kinds = raw.kind.split(',');
    for (const kind of kinds) {
      if (!(ALERT_KINDS as readonly string[]).includes(kind)) {
        throw new InvalidParameterError(
          'kind',
          `expected one of ${ALERT_KINDS.join(', ')}, got ${JSON.stringify(kind)}`,
        );
      }
    }
    filter.kinds = kinds as AlertKind[];
  }
  if (raw.from !== undefined && raw.from !== '') filter.from = parseBound('from', raw.from);
  if (raw.to !== undefined && raw.to !== '') filter.to = parseBound('to', raw.to);
  if (filter.from !== undefined && filter.to !== undefined && filter.from >= filter.to) {
    throw new InvalidParameterError('to', 'must be after from');
  }
  return filter;
}

export function matchesAlert(
  alert: Pick<DashboardAlert, 'gateway' | 'kind' | 'at'>,
  filter: AlertFilter,
): boolean {
  return (
    (filter.gateway === undefined || alert.gateway === filter.gateway) &&
    (filter.kinds === undefined || filter.kinds.includes(alert.kind)) &&
    (filter.from === undefined || alert.at >= filter.from) &&
    (filter.to === undefined || alert.at < filter.to)
  );
}
