import {
  CONFLUENT_MAGIC_BYTE,
  METRIC_CLEAN_AVRO_SCHEMA,
  type Serde,
  avroSerde,
  registryAvroSerde,
} from '@meterstream/common';
import type { CleanReading } from './outputs.js';

/** A CleanReading is already the wire shape of metric-clean.avsc (same field names and types). */
const asWire = (reading: CleanReading): CleanReading => reading;
const fromWire = (decoded: unknown): CleanReading => decoded as CleanReading;

/**
 * metrics-clean values as Avro in Confluent's wire format, under the writer schema
 * metric-clean.avsc (Metric with optional quality and estimated) registered under `subject`
 * (`metrics-clean-value`) before the first record: the streams runtime serializes synchronously, so
 * the schema id is fetched once here and each record is framed with it. Write-only: consumers read
 * with common's Metric readers (metric-reading.avsc resolves both topics).
 */
export async function cleanReadingRegistrySerde(url: string, subject: string): Promise<Serde<CleanReading>> {
  const id = await registryAvroSerde(
    { url, subject, schema: METRIC_CLEAN_AVRO_SCHEMA },
    asWire,
    fromWire,
  ).schemaId();
  const body = avroSerde(METRIC_CLEAN_AVRO_SCHEMA, asWire, fromWire);
  return {
    format: `avro-registry:${subject}#${id}`,
    serialize(reading) {
      const avro = body.serialize(reading);
      const framed = Buffer.allocUnsafe(5 + avro.length);
      framed[0] = CONFLUENT_MAGIC_BYTE;
      framed.writeInt32BE(id, 1);
      avro.copy(framed, 5);
      return framed;
    },
    deserialize() {
      throw new Error(`${subject}: the quality stage only writes metrics-clean`);
    },
  };
}
