import { CqlError, ErrorCode } from '../protocol/errors.js';
import { type Keyspace, replicationFactor } from './keyspace.js';

export const Consistency = {
  any: 0x0000,
  one: 0x0001,
  two: 0x0002,
  three: 0x0003,
  quorum: 0x0004,
  all: 0x0005,
  localQuorum: 0x0006,
  eachQuorum: 0x0007,
  serial: 0x0008,
  localSerial: 0x0009,
  localOne: 0x000a,
} as const;

const NAMES: Record<number, string> = {
  0: 'ANY',
  1: 'ONE',
  2: 'TWO',
  3: 'THREE',
  4: 'QUORUM',
  5: 'ALL',
  6: 'LOCAL_QUORUM',
  7: 'EACH_QUORUM',
  8: 'SERIAL',
  9: 'LOCAL_SERIAL',
  10: 'LOCAL_ONE',
};

/**
 * This server is one live node. A consistency level that needs more live replicas than that fails
 * with Unavailable, exactly as a one-node Cassandra cluster would (e.g. QUORUM with RF 3).
 */
export function checkConsistency(ks: Keyspace, consistency: number): void {
  if (ks.system) return;
  const rf = replicationFactor(ks);
  let required: number;
  switch (consistency) {
    case Consistency.two:
      required = 2;
      break;
    case Consistency.three:
      required = 3;
      break;
    case Consistency.quorum:
    case Consistency.localQuorum:
    case Consistency.eachQuorum:
    case Consistency.serial:
    case Consistency.localSerial:
      required = Math.floor(rf / 2) + 1;
      break;
    case Consistency.all:
      required = rf;
      break;
    default:
      required = 1;
  }
  if (required > 1) {
    throw new CqlError(
      ErrorCode.unavailable,
      `Cannot achieve consistency level ${NAMES[consistency] ?? consistency}`,
      { kind: 'unavailable', consistency, required, alive: 1 },
    );
  }
}
