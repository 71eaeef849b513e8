import { type KTable, type Serde, type Windowed, windowedKeySerde } from '@meterstream/streams';
import { aggregateDataSerde } from '../plan/aggregate-serde.js';
import type { PlannedStream } from '../plan/planned-stream.js';
import type { GenericKey, GenericRow } from '../schema/logical-schema.js';

/**
 * The store a table-producing persistent query (CREATE TABLE … AS SELECT, a CREATE SOURCE TABLE's
 * query) keeps its result table in, for pull queries. ksqlDB reads its aggregation / source store
 * and re-applies the query's later steps (its "materialization"); our steps are closures inside
 * the topology, so instead the query's final table is materialized once more, already in the
 * result's shape: key = the result's GenericKey (Windowed for windowed tables), value = the
 * result's value row with the record's timestamp (ROWTIME).
 *
 * No changelog, so the query's internal topics stay ksqlDB's. The price: a restarted query (its
 * input offsets committed) starts with this store empty and refills it as keys update. Turning
 * `loggingEnabled` on fixes that at one changelog record per result update, and adds the topic
 * `<app>-PullQuery-Materialize-changelog`.
 *
 * A windowed table's keys are stored byte-ordered (`windowedKeySerde`: key, then window start), so
 * a lookup of one key — with or without WINDOWSTART bounds — is one key-range read, not a scan.
 */
export const PULL_QUERY_STORE = 'PullQuery-Materialize';

type ResultTable = KTable<GenericKey | Windowed<GenericKey>, GenericRow>;

/** Adds the pull-query store after the query's last step; returns its name (undefined for streams). */
export function materializeForPull(output: PlannedStream): string | undefined {
  if (output.kind !== 'TABLE') return undefined;
  const table: ResultTable = output.table;
  table.filter(
    () => true,
    {
      storeName: PULL_QUERY_STORE,
      keySerde: output.window
        ? (windowedKeySerde(aggregateDataSerde<GenericKey>()) as Serde<GenericKey | Windowed<GenericKey>>)
        : aggregateDataSerde<GenericKey | Windowed<GenericKey>>(),
      valueSerde: aggregateDataSerde<GenericRow>(),
      loggingEnabled: false,
    },
    { name: `${PULL_QUERY_STORE}-Node` },
  );
  return PULL_QUERY_STORE;
}
