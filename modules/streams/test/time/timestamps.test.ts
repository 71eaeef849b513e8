import { testLogger } from '@meterstream/test-support';
import { describe, expect, it } from 'vitest';
import {
  InvalidTimestampError,
  type InvalidTimestampPolicy,
  Serdes,
  StreamsBuilder,
  TopologyTestDriver,
  valueTimestamp,
} from '@meterstream/streams';

const str = Serdes.string();
const num = Serdes.int64();

/** A stream whose event time is the value itself (negative = invalid). */
function driver(policy: InvalidTimestampPolicy) {
  const b = new StreamsBuilder();
  b.stream<string, number>('in', {
    keySerde: str,
    valueSerde: num,
    timestampExtractor: valueTimestamp<number>((v) => v),
  }).to('out', { keySerde: str, valueSerde: num });
  // testLogger: the warning 'log-and-skip' writes shows only if the test fails; the tests assert the drop count.
  return new TopologyTestDriver(b.build(), {
    invalidTimestampPolicy: policy,
    logger: testLogger(),
  });
}

describe('timestamp extraction and invalid timestamps (Kafka Streams docs: "default.timestamp.extractor")', () => {
  it('uses the extracted event time, not the record timestamp, and tracks stream time as the maximum', () => {
    const d = driver('fail');
    const input = d.createInputTopic('in', str, num);
    input.pipeInput('k', 500, 1);
    input.pipeInput('k', 300, 2);
    expect(
      d
        .createOutputTopic('out', str, num)
        .readRecordsToList()
        .map((r) => r.timestamp),
    ).toEqual([500, 300]);
    expect(d.streamTime('in')).toBe(500);
  });

  it('fail: throws an InvalidTimestampError naming topic, partition and offset', () => {
    const d = driver('fail');
    const input = d.createInputTopic('in', str, num);
    input.pipeInput('k', 5, 0);
    expect(() => input.pipeInput('k', -3, 0)).toThrow(InvalidTimestampError);
    expect(() => input.pipeInput('k', -3, 0)).toThrow(/in-0@2/);
  });

  it('log-and-skip: drops the record and counts it', () => {
    const d = driver('log-and-skip');
    const input = d.createInputTopic('in', str, num);
    input.pipeInput('k', 5, 0);
    input.pipeInput('k', -1, 0);
    input.pipeInput('k', 7, 0);
    expect(d.createOutputTopic('out', str, num).readValuesToList()).toEqual([5, 7]);
    expect(d.metrics().invalidTimestampSkips).toBe(1);
  });

  it('use-previous: takes the partition time (skips when there is none yet)', () => {
    const d = driver('use-previous');
    const input = d.createInputTopic('in', str, num);
    input.pipeInput('k', -1, 0); // no partition time yet: skipped
    input.pipeInput('k', 40, 0);
    input.pipeInput('k', -1, 0);
    expect(
      d
        .createOutputTopic('out', str, num)
        .readRecordsToList()
        .map((r) => [r.value, r.timestamp]),
    ).toEqual([
      [40, 40],
      [-1, 40],
    ]);
    expect(d.metrics().invalidTimestampSkips).toBe(1);
  });
});
