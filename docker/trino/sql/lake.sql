-- The meterstream lake as Trino tables and views: the raw readings, the batch windows and the marts,
-- in Trino's dialect. Run once (and again after new dates arrive, for the partition sync):
--   docker compose -f docker/docker-compose.yml exec trino trino --file /sql/lake.sql
CREATE SCHEMA IF NOT EXISTS lake.meterstream WITH (location = 's3://meterstream/');

-- raw/metricType=<T>/date=<d>/*.parquet. The files also hold a metricType column; Trino may not
-- have a data column named like a partition column, and reads Parquet columns by name, so the
-- table declares the partition one only.
CREATE TABLE IF NOT EXISTS lake.meterstream.raw_files (
  gateway varchar,
  metricattribute varchar,
  "timestamp" timestamp(3) with time zone,
  value double,
  kafkapartition integer,
  kafkaoffset bigint,
  -- Only in objects of clean readings (metrics-clean): NULL in the others (columns read by name).
  quality integer,
  estimated boolean,
  metrictype varchar,
  "date" varchar
)
WITH (external_location = 's3://meterstream/raw/', format = 'PARQUET', partitioned_by = ARRAY['metrictype', 'date']);

CALL lake.system.sync_partition_metadata('meterstream', 'raw_files', 'FULL');

-- What meterstream's readers see through the lake's transaction log (_log/), approximated without
-- it: a compaction's merged objects keep each row's (kafkaPartition, kafkaOffset), so counting each
-- record once hides the objects a compaction replaced and any uncommitted compaction output. Exact
-- once `meterstream vacuum` has deleted the replaced objects (readings a compaction dropped as
-- re-sent duplicates stay in the replaced objects until then).
CREATE OR REPLACE VIEW lake.meterstream.metrics AS
SELECT gateway, metrictype, metricattribute, "timestamp", value, kafkapartition, kafkaoffset, quality, estimated, "date"
FROM (
  SELECT f.*, row_number() OVER (PARTITION BY metrictype, kafkapartition, kafkaoffset ORDER BY "timestamp") AS copy
  FROM lake.meterstream.raw_files f
)
WHERE copy = 1 AND is_finite(value);

-- meterstream's metrics_clean: the readings archived from metrics-clean, flagged = the meter is
-- faulty (ZERO_RUN 16 | CONSTANT_RUN 32; quality bits in modules/quality/README.md).
CREATE OR REPLACE VIEW lake.meterstream.metrics_clean AS
SELECT gateway, metrictype, metricattribute, "timestamp", value, quality, estimated,
  bitwise_and(quality, 48) <> 0 AS flagged, kafkapartition, kafkaoffset, "date"
FROM lake.meterstream.metrics
WHERE quality IS NOT NULL;

-- The batch layer's hourly windows (meterstream's aggregates_3600). Sums here are SQL SUMs, not
-- folded in offset order: equal to meterstream's up to the last bits.
CREATE OR REPLACE VIEW lake.meterstream.aggregates_3600 AS
SELECT gateway, metrictype, metricattribute,
  date_trunc('hour', "timestamp") AS window_start,
  date_trunc('hour', "timestamp") + INTERVAL '1' HOUR AS window_end,
  count(*) AS sample_count, sum(value) AS sum, min(value) AS min, max(value) AS max, avg(value) AS average
FROM lake.meterstream.metrics
GROUP BY gateway, metrictype, metricattribute, date_trunc('hour', "timestamp");

-- The marts `meterstream marts` writes (marts/<mart>/date=<d>/part-0.parquet).
CREATE TABLE IF NOT EXISTS lake.meterstream.billing_daily (
  customer varchar, metrictype varchar, meters integer, intervals integer, gapintervals integer,
  consumption double, cost double, unpricedconsumption double, currency varchar, "date" varchar
)
WITH (external_location = 's3://meterstream/marts/billing_daily/', format = 'PARQUET', partitioned_by = ARRAY['date']);
CALL lake.system.sync_partition_metadata('meterstream', 'billing_daily', 'FULL');

CREATE TABLE IF NOT EXISTS lake.meterstream.grid_load_hourly (
  zone varchar, hour timestamp(6) with time zone, totalloadkw double, peakloadkw double, meters integer, "date" varchar
)
WITH (external_location = 's3://meterstream/marts/grid_load_hourly/', format = 'PARQUET', partitioned_by = ARRAY['date']);
CALL lake.system.sync_partition_metadata('meterstream', 'grid_load_hourly', 'FULL');

CREATE TABLE IF NOT EXISTS lake.meterstream.consumption_interval (
  gateway varchar, metrictype varchar, metricattribute varchar,
  intervalstart timestamp(6) with time zone, intervalend timestamp(6) with time zone,
  startvalue double, endvalue double, consumption double, flag varchar, "date" varchar
)
WITH (external_location = 's3://meterstream/marts/consumption_interval/', format = 'PARQUET', partitioned_by = ARRAY['date']);
CALL lake.system.sync_partition_metadata('meterstream', 'consumption_interval', 'FULL');

-- The consumption mart recomputed in Trino's dialect from the raw readings (the same rule as
-- meterstream's DuckDB SQL, marts/marts-sql.ts), for lakes larger than one machine:
CREATE OR REPLACE VIEW lake.meterstream.consumption_interval_live AS
WITH d AS (
  SELECT gateway, metrictype, metricattribute, "timestamp" AS ts, value,
    lag(value) OVER w AS prev, lag("timestamp") OVER w AS prev_ts
  FROM (SELECT DISTINCT gateway, metrictype, metricattribute, "timestamp", value
        FROM lake.meterstream.metrics WHERE metricattribute LIKE '%\_SUMMATION' ESCAPE '\')
  WINDOW w AS (PARTITION BY gateway, metrictype, metricattribute ORDER BY "timestamp")
),
c AS (SELECT d.*, power(10, ceil(log10(greatest(prev, 0) + 1))) AS capacity FROM d WHERE prev IS NOT NULL)
SELECT gateway, metrictype, metricattribute, prev_ts AS interval_start, ts AS interval_end,
  CASE WHEN value >= prev THEN value - prev
       WHEN prev >= 0.9 * capacity AND value < 0.1 * capacity THEN capacity - prev + value
       ELSE value END AS consumption,
  CASE WHEN value >= prev THEN NULL
       WHEN prev >= 0.9 * capacity AND value < 0.1 * capacity THEN 'rollover'
       ELSE 'reset' END AS flag
FROM c;
