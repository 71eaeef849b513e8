import type { Headers } from '@meterstream/streams';
import { stringifyJson } from './json-text.js';
import { specMatches } from './record-comparator.js';
import {
  deserializeSpec,
  type SpecContext,
  type TopicFormats,
  UnsupportedTestFormat,
} from './spec-serdes.js';
import { renderSpec, type SpecValue } from './spec-values.js';
import type { StubKafka } from './stub-kafka.js';
import type { QttRecord, QttTestCase, QttWindow } from './test-model.js';

interface Decoded {
  readonly key: SpecValue;
  readonly window?: QttWindow;
  readonly value: SpecValue;
  readonly timestamp: number;
  readonly headers: Headers;
}

/**
 * Compares each output topic's records, decoded by the topic's formats, with the test's `outputs`
 * in order (ksqlDB's TestExecutor.validateTopicData); returns the first difference.
 */
export async function verifyOutputs(
  test: QttTestCase,
  kafka: StubKafka,
  infos: Map<string, TopicFormats>,
  ctx: SpecContext,
): Promise<string | undefined> {
  const byTopic = new Map<string, QttRecord[]>();
  for (const r of test.outputs) {
    const list = byTopic.get(r.topic) ?? [];
    list.push(r);
    byTopic.set(r.topic, list);
  }
  const ranWithInsertStatements = test.inputs.length === 0;
  for (const [topic, expected] of byTopic) {
    const info = infos.get(topic);
    if (!info) return `No information found for topic: ${topic}`;
    const actual: Decoded[] = [];
    for (const rec of kafka.read(topic)) {
      let k: Awaited<ReturnType<typeof deserializeSpec>>;
      let v: Awaited<ReturnType<typeof deserializeSpec>>;
      try {
        k = await deserializeSpec(ctx, info, true, rec.key);
      } catch (err) {
        if (err instanceof UnsupportedTestFormat) throw err;
        return `Topic '${topic}': failed to deserialize key: ${(err as Error).message} (bytes ${rec.key?.toString('hex')})`;
      }
      try {
        v = await deserializeSpec(ctx, { ...info, windowType: undefined }, false, rec.value);
      } catch (err) {
        if (err instanceof UnsupportedTestFormat) throw err;
        return `Topic '${topic}': failed to deserialize value: ${(err as Error).message} (bytes ${rec.value?.toString('hex')})`;
      }
      actual.push({
        key: k.key,
        window: k.window,
        value: v.key,
        timestamp: rec.timestamp,
        headers: rec.headers,
      });
    }
    if (actual.length !== expected.length) {
      return `Topic ${topic}. Expected <${expected.length}> records but it was <${actual.length}>\nActual records:\n${actual
        .map(renderActual)
        .join('\n')}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i];
      const a = actual[i];
      const expectedTs = e.timestamp ?? a.timestamp;
      const keyOk = e.window
        ? a.window !== undefined &&
          a.window.start === e.window.start &&
          a.window.end === e.window.end &&
          a.window.type === e.window.type &&
          specMatches(a.key, e.key)
        : a.window === undefined && specMatches(a.key, e.key);
      const headersOk = headersMatch(a.headers, e.headers ?? []);
      const tsOk = a.timestamp === expectedTs || (ranWithInsertStatements && expectedTs === 0);
      if (!keyOk || !specMatches(a.value, e.value) || !headersOk || !tsOk) {
        return `Topic '${topic}', message ${i}: Expected <${renderExpectedKey(e)}, ${stringifyJson(e.value)}> with timestamp=${expectedTs} and headers=[${renderHeaders(
          e.headers ?? [],
        )}] but was ${renderActual(a)}`;
      }
    }
  }
  return undefined;
}

function headersMatch(actual: Headers, expected: readonly { key: string; value: Buffer | null }[]): boolean {
  return (
    actual.length === expected.length &&
    actual.every((h, i) => {
      const e = expected[i];
      if (h.key !== e.key) return false;
      if (h.value === null || e.value === null) return h.value === e.value;
      return h.value.equals(e.value);
    })
  );
}

function renderHeaders(h: readonly { key: string; value: Buffer | null }[]): string {
  return h
    .map((x) => `{KEY=${x.key},VALUE=${x.value === null ? 'null' : x.value.toString('base64')}}`)
    .join(', ');
}

function renderWindow(w: QttWindow): string {
  return `[${w.type} ${w.start}..${w.end}]`;
}

function renderExpectedKey(e: QttRecord): string {
  return e.window ? `${stringifyJson(e.key)}${renderWindow(e.window)}` : stringifyJson(e.key);
}

function renderActual(a: Decoded): string {
  const key = a.window ? `${renderSpec(a.key)}${renderWindow(a.window)}` : renderSpec(a.key);
  return `<${key}, ${renderSpec(a.value)}> with timestamp=${a.timestamp} and headers=[${renderHeaders(a.headers)}]`;
}
