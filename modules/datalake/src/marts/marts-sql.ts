import { FLAGGED_QUALITY_MASK, METRIC_TIME_RANGE } from '@meterstream/common';

/**
 * The marts as DuckDB SQL over the `metrics` view and the dimension tables `gateways` (gateway,
 * customer, zone, timezone) and `tariffs` (metricType, validFrom, validTo, bandStartMinute,
 * bandEndMinute, price, currency) — see dimensions.ts. Each statement selects the rows of one date
 * range; refresh-marts.ts decides which ranges to recompute.
 *
 * Shared rule: readings the metric rule refuses are left out (non-finite, outside the metric time
 * range), and a reading sent twice (same series and timestamp, e.g. a gateway re-sending, or a
 * record archived twice) counts once.
 */

/** UTC dates as `DATE 'yyyy-mm-dd'` literals; inclusive bounds. */
export interface DateSpan {
  first: string;
  last: string;
}

const date = (d: string) => `DATE '${d}'`;

/**
 * Deduplicated valid readings of the given attributes over UTC dates [first, last]; `flagged`: the
 * quality stage flagged the meter faulty (ZERO_RUN or CONSTANT_RUN; false for raw readings).
 */
function readings(attributes: string, span: DateSpan): string {
  return `
  SELECT DISTINCT ON (gateway, metricType, metricAttribute, "timestamp")
    gateway, metricType, metricAttribute, "timestamp" AS ts, value,
    coalesce(quality & ${FLAGGED_QUALITY_MASK} <> 0, false) AS flagged
  FROM metrics
  WHERE ${attributes} AND isfinite(value)
    AND epoch_ms("timestamp") >= ${METRIC_TIME_RANGE.from} AND epoch_ms("timestamp") < ${METRIC_TIME_RANGE.to}
    AND date BETWEEN ${date(span.first)} AND ${date(span.last)}`;
}

/**
 * `consumption_interval`: for each cumulative counter (`*_SUMMATION`) reading, the consumption since
 * the series' previous reading. A counter that went down either rolled over — its register (the
 * power of ten above the previous value) was at least 90 % full and the new value is below 10 % of
 * it: consumption = capacity − previous + new, flag `rollover` — or was reset (replaced meter,
 * reset register): consumption = the new value (counted from zero), flag `reset`. Never negative.
 * Rows of intervals ending on UTC dates [span.first, span.last]; the previous reading is looked for
 * on the day before too (`lookbackDays`).
 */
export function consumptionIntervalSql(span: DateSpan, lookbackFirst: string): string {
  return `
WITH r AS (${readings(`metricAttribute LIKE '%\\_SUMMATION' ESCAPE '\\'`, { first: lookbackFirst, last: span.last })}),
d AS (
  SELECT *, lag(value) OVER w AS prev, lag(ts) OVER w AS prevTs,
    power(10, ceil(log10(greatest(lag(value) OVER w, 0) + 1))) AS capacity
  FROM r WINDOW w AS (PARTITION BY gateway, metricType, metricAttribute ORDER BY ts)
)
SELECT gateway, metricType, metricAttribute, prevTs AS intervalStart, ts AS intervalEnd,
  prev AS startValue, value AS endValue,
  CASE WHEN value >= prev THEN value - prev
       WHEN prev >= 0.9 * capacity AND value < 0.1 * capacity THEN capacity - prev + value
       ELSE value END AS consumption,
  CASE WHEN value >= prev THEN NULL
       WHEN prev >= 0.9 * capacity AND value < 0.1 * capacity THEN 'rollover'
       ELSE 'reset' END AS flag,
  ts::DATE AS date
FROM d
WHERE prev IS NOT NULL AND ts::DATE BETWEEN ${date(span.first)} AND ${date(span.last)}`;
}

/**
 * Electricity energy per interval between successive ACTIVE_POWER readings (W): the earlier
 * reading's power held until the next one (kWh = W × hours / 1000). An interval longer than
 * `maxGapSeconds` is a dropout: no energy is invented for it (counted as `gapIntervals`).
 */
function electricityIntervalsSql(span: DateSpan, maxGapSeconds: number): string {
  return `
WITH r AS (${readings(`metricAttribute = 'ACTIVE_POWER'`, span)}),
d AS (
  SELECT *, lead(ts) OVER w AS nextTs FROM r
  WINDOW w AS (PARTITION BY gateway, metricType, metricAttribute ORDER BY ts)
)
SELECT gateway, metricType, ts AS intervalStart,
  CASE WHEN epoch(nextTs - ts) <= ${maxGapSeconds} THEN value * epoch(nextTs - ts) / 3600 / 1000 END AS consumption
FROM d WHERE nextTs IS NOT NULL`;
}

/**
 * `billing_daily`: per customer, local day (the customer's time zone, so a DST day has 23 or 25
 * hours) and metric type: consumption (kWh for electricity, the counter's unit for water and gas)
 * and its cost. Every interval is billed at the tariff band and validity of its start in local time
 * (bands are minutes of the local day, [start, end)); consumption with no matching tariff is
 * reported as `unpricedConsumption`, never silently priced at 0.
 * Rows of local days [days.first, days.last]; readings of UTC dates `source`.
 */
export function billingDailySql(days: DateSpan, source: DateSpan, maxGapSeconds: number): string {
  return `
WITH intervals AS (
  SELECT gateway, metricType, intervalStart, consumption FROM (${electricityIntervalsSql(source, maxGapSeconds)})
  UNION ALL
  SELECT gateway, metricType, intervalStart, consumption
  FROM (${consumptionIntervalSql(source, source.first)})
),
located AS (
  SELECT i.*, g.customer, timezone(g.timezone, i.intervalStart) AS localStart
  FROM intervals i JOIN gateways g USING (gateway)
),
priced AS (
  SELECT l.*, t.price, t.currency
  FROM located l LEFT JOIN tariffs t
    ON t.metricType = l.metricType
   AND l.localStart::DATE >= t.validFrom AND (t.validTo IS NULL OR l.localStart::DATE < t.validTo)
   AND (hour(l.localStart) * 60 + minute(l.localStart)) >= t.bandStartMinute
   AND (hour(l.localStart) * 60 + minute(l.localStart)) < t.bandEndMinute
)
SELECT customer, localStart::DATE AS date, metricType,
  count(DISTINCT gateway)::INTEGER AS meters,
  count(*)::INTEGER AS intervals,
  count(*) FILTER (WHERE consumption IS NULL)::INTEGER AS gapIntervals,
  coalesce(sum(consumption), 0) AS consumption,
  coalesce(sum(consumption * price), 0) AS cost,
  coalesce(sum(consumption) FILTER (WHERE price IS NULL), 0) AS unpricedConsumption,
  any_value(currency) AS currency
FROM priced
WHERE localStart::DATE BETWEEN ${date(days.first)} AND ${date(days.last)}
GROUP BY customer, localStart::DATE, metricType`;
}

/**
 * `grid_load_hourly`: per zone and UTC hour, from ACTIVE_POWER: `totalLoadKw`, the sum over meters
 * of each meter's mean power in the hour; `peakLoadKw`, the highest per-minute zone load (the sum of
 * the meters' mean power in that minute, meters silent in a minute not counted); `meters` reporting.
 * Readings of a meter flagged faulty (`flagged`: stuck or zero-run) count in the total and in
 * `meters` but not in the peak, as the aggregates leave them out of `max`; an hour whose readings
 * are all flagged has a NULL peak. Rows of UTC dates [span.first, span.last].
 */
export function gridLoadHourlySql(span: DateSpan): string {
  return `
WITH r AS (${readings(`metricAttribute = 'ACTIVE_POWER'`, span)}),
z AS (SELECT r.*, g.zone FROM r JOIN gateways g USING (gateway)),
per_meter AS (
  SELECT zone, gateway, date_trunc('hour', ts) AS hour, avg(value) / 1000 AS kw FROM z GROUP BY ALL
),
per_minute AS (
  SELECT zone, date_trunc('hour', minute) AS hour, sum(kw) AS kw
  FROM (
    SELECT zone, gateway, date_trunc('minute', ts) AS minute, avg(value) / 1000 AS kw FROM z WHERE NOT flagged GROUP BY ALL
  )
  GROUP BY zone, minute
)
SELECT m.zone, m.hour, m.totalLoadKw, p.peakLoadKw, m.meters, m.hour::DATE AS date
FROM (SELECT zone, hour, sum(kw) AS totalLoadKw, count(*)::INTEGER AS meters FROM per_meter GROUP BY ALL) m
LEFT JOIN (SELECT zone, hour, max(kw) AS peakLoadKw FROM per_minute GROUP BY ALL) p USING (zone, hour)`;
}
