import { describe, expect, it } from 'vitest';
import {
  JoinWindows,
  type KStream,
  Serdes,
  StreamsBuilder,
  StreamTask,
  TopologyTestDriver,
} from '@meterstream/streams';

const str = Serdes.string();
const serdes = { keySerde: str, valueSerde: str };

type StreamJoinKind = 'join' | 'leftJoin' | 'outerJoin';

/** left ⋈ right on `windows`, results `l+r` (a missing side prints as null) to topic `out`. */
function streamJoin(kind: StreamJoinKind, windows: JoinWindows) {
  const b = new StreamsBuilder();
  const left: KStream<string, string> = b.stream('left', serdes);
  const right: KStream<string, string> = b.stream('right', serdes);
  const joiner = (l: string | null, r: string | null) => `${l}+${r}`;
  const joined = { keySerde: str, valueSerde: str, otherValueSerde: str };
  const out =
    kind === 'join'
      ? left.join(right, joiner, windows, joined)
      : kind === 'leftJoin'
        ? left.leftJoin(right, joiner, windows, joined)
        : left.outerJoin(right, joiner, windows, joined);
  out.to('out', serdes);
  const d = new TopologyTestDriver(b.build());
  return {
    d,
    l: d.createInputTopic('left', str, str),
    r: d.createInputTopic('right', str, str),
    out: () =>
      d
        .createOutputTopic('out', str, str)
        .readRecordsToList()
        .map((x) => [x.key, x.value, x.timestamp]),
  };
}

describe('KStream–KStream left and outer joins (Kafka Streams 3.x: no spurious results)', () => {
  it('leftJoin emits an unmatched left record only after its window closes, and never one that matched later', () => {
    const { l, r, out } = streamJoin('leftJoin', JoinWindows.ofTimeDifferenceWithNoGrace(10));
    l.pipeInput('a', 'l1', 0); // no right record yet: must not produce l1+null now
    expect(out()).toEqual([]);
    r.pipeInput('a', 'r1', 5); // matches l1 within the window
    l.pipeInput('b', 'lb', 1); // never matched
    expect(out()).toEqual([['a', 'l1+r1', 5]]);
    l.pipeInput('a', 'l2', 30); // stream time 30 > 1 + 10: lb's window has closed
    expect(out()).toEqual([['b', 'lb+null', 1]]);
    r.pipeInput('c', 'rc', 41); // right records advance the shared stream time too: l2 (30 + 10 < 41) is due
    expect(out()).toEqual([['a', 'l2+null', 30]]);
  });

  it('the grace period delays the left-join result of an unmatched record', () => {
    const { l, r, out } = streamJoin('leftJoin', JoinWindows.ofTimeDifferenceAndGrace(10, 5));
    l.pipeInput('a', 'l1', 0);
    r.pipeInput('x', 'rx', 15); // 0 + 10 + 5 ≥ 15: still open
    expect(out()).toEqual([]);
    r.pipeInput('x', 'rx2', 16); // closed now
    expect(out()).toEqual([['a', 'l1+null', 0]]);
  });

  it('an out-of-order record within the retention still joins; the other side’s expired records do not', () => {
    const { d, l, r, out } = streamJoin('join', JoinWindows.ofTimeDifferenceAndGrace(10, 5));
    r.pipeInput('a', 'r1', 0);
    l.pipeInput('x', 'lx', 14); // stream time 14
    l.pipeInput('a', 'l1', 3); // out of order, within before + after + grace: joins r1
    expect(out()).toEqual([['a', 'l1+r1', 3]]);
    r.pipeInput('y', 'ry', 40); // the right store now retains only timestamps > 40 − 25
    l.pipeInput('a', 'l2', 5); // r1 at 0 is within l2's window but expired from the right store
    expect(out()).toEqual([]);
    l.pipeInput('x', 'lx2', 60);
    l.pipeInput('a', 'old', 30); // older than the left store's retention (60 − 25): joins, but is not stored
    expect(d.metrics().lateRecordDrops).toBe(1);
    r.pipeInput('a', 'r2', 31); // finds no left record "old"
    expect(out()).toEqual([]);
  });

  it('an out-of-order left record already behind its window is emitted null-joined at once', () => {
    const { l, r, out } = streamJoin('leftJoin', JoinWindows.ofTimeDifferenceAndGrace(10, 100));
    r.pipeInput('x', 'rx', 50);
    l.pipeInput('a', 'old', 20); // window [10, 30] ended before stream time 50
    expect(out()).toEqual([['a', 'old+null', 20]]);
  });

  it('outerJoin emits unmatched records of both sides once their windows close, in timestamp order', () => {
    const { l, r, out } = streamJoin('outerJoin', JoinWindows.ofTimeDifferenceWithNoGrace(10).after(5));
    l.pipeInput('a', 'la', 0);
    r.pipeInput('b', 'rb', 1);
    r.pipeInput('c', 'rc', 4);
    l.pipeInput('c', 'lc', 3); // matches rc (|3 − 4| within the window)
    expect(out()).toEqual([['c', 'lc+rc', 4]]);
    // Stream time 13: the left record la waits until 0 + after(5) < 13 → due; the right record rb
    // waits for left records up to 1 + before(10) = 11 < 13 → due.
    l.pipeInput('z', 'lz', 13);
    expect(out()).toEqual([
      ['a', 'la+null', 0],
      ['b', 'null+rb', 1],
    ]);
  });

  it('outerJoin keeps a right record waiting while a left record up to before ms later could still match', () => {
    const { l, r, out } = streamJoin('outerJoin', JoinWindows.ofTimeDifferenceWithNoGrace(10).after(0));
    r.pipeInput('a', 'r1', 0);
    l.pipeInput('x', 'lx', 9);
    l.pipeInput('a', 'l1', 10); // 0 ≥ 10 − before(10): matches r1, which must not also be emitted alone
    l.pipeInput('x', 'lx2', 30);
    const records = out();
    expect(records).toContainEqual(['a', 'l1+r1', 10]);
    expect(records).not.toContainEqual(['a', 'null+r1', 0]);
    expect(records).toContainEqual(['x', 'lx+null', 9]);
  });
});

describe('KStream–KStream outer join with out-of-order records (Kafka 3.x semantics)', () => {
  it('records behind their window are emitted alone at once, and do not meet the other side’s expired records', () => {
    const { l, r, out } = streamJoin('outerJoin', JoinWindows.ofTimeDifferenceAndGrace(100, 100));
    l.pipeInput('k1', 'A', 0);
    r.pipeInput('k1', 'a', 100); // joins A
    r.pipeInput('k2', 'b', 1000); // stream time 1000: right store retains > 700
    expect(out()).toEqual([['k1', 'A+a', 100]]);
    r.pipeInput('k3', 'c', 500); // 500 + before(100) < 1000: nothing can match it any more
    l.pipeInput('k3', 'C', 500); // c is within C's window, but expired from the right store
    expect(out()).toEqual([
      ['k3', 'null+c', 500],
      ['k3', 'C+null', 500],
    ]);
  });
});

describe('KTable–KTable outer and right joins', () => {
  function tableJoin(kind: 'outerJoin' | 'rightJoin') {
    const b = new StreamsBuilder();
    const left = b.table<string, string>('left', serdes);
    const right = b.table<string, string>('right', serdes);
    const joiner = (l: string | null, r: string | null) => `${l}+${r}`;
    (kind === 'outerJoin' ? left.outerJoin(right, joiner) : left.rightJoin(right, joiner))
      .toStream()
      .to('out', serdes);
    const d = new TopologyTestDriver(b.build());
    return {
      l: d.createInputTopic('left', str, str),
      r: d.createInputTopic('right', str, str),
      out: () =>
        d
          .createOutputTopic('out', str, str)
          .readRecordsToList()
          .map((x) => [x.key, x.value, x.timestamp]),
    };
  }

  it('outerJoin: a key present on either side yields a result; a tombstone once both are gone', () => {
    const { l, r, out } = tableJoin('outerJoin');
    l.pipeInput('a', 'L1', 1);
    r.pipeInput('b', 'R1', 2);
    r.pipeInput('a', 'RA', 3);
    l.pipeInput('a', null, 4);
    r.pipeInput('a', null, 5);
    expect(out()).toEqual([
      ['a', 'L1+null', 1],
      ['b', 'null+R1', 2],
      ['a', 'L1+RA', 3],
      ['a', 'null+RA', 4],
      ['a', null, 5],
    ]);
  });

  it('rightJoin: only keys of the right table yield results', () => {
    const { l, r, out } = tableJoin('rightJoin');
    l.pipeInput('a', 'L1', 1); // no right row: nothing
    r.pipeInput('a', 'RA', 2);
    l.pipeInput('a', null, 3);
    r.pipeInput('a', null, 4);
    expect(out()).toEqual([
      ['a', 'L1+RA', 2],
      ['a', 'null+RA', 3],
      ['a', null, 4],
    ]);
  });
});

describe('JoinWindows.of (deprecated factory ksqlDB uses without GRACE PERIOD)', () => {
  it('emits left-join results for unmatched records at once, as Kafka Streams before 3.1 did', () => {
    const { l, r, out } = streamJoin('leftJoin', JoinWindows.of(10));
    l.pipeInput('a', 'l1', 0);
    expect(out()).toEqual([['a', 'l1+null', 0]]);
    r.pipeInput('a', 'r1', 5);
    expect(out()).toEqual([['a', 'l1+r1', 5]]);
  });

  it('has a grace of 24 h minus twice the difference', () => {
    expect(JoinWindows.of(1000).graceMs).toBe(24 * 3600 * 1000 - 2000);
    expect(JoinWindows.of(1000).after(5).spuriousResultFixEnabled).toBe(false);
    expect(JoinWindows.ofTimeDifferenceAndGrace(1000, 7).spuriousResultFixEnabled).toBe(true);
  });
});

describe('left join after a restart: the outer-join store is restored from its changelog', () => {
  it('a record waiting when the task stopped is emitted once its window closes in the new task', () => {
    const b = new StreamsBuilder();
    const left = b.stream<string, string>('left', serdes);
    const right = b.stream<string, string>('right', serdes);
    const joined = { keySerde: str, valueSerde: str, otherValueSerde: str, name: 'j' };
    left
      .leftJoin(right, (l, r) => `${l}+${r}`, JoinWindows.ofTimeDifferenceWithNoGrace(10), joined)
      .to('out', serdes);
    const topology = b.build();
    const changelog = new Map<string, { key: Buffer; value: Buffer | null }[]>();
    const out: string[] = [];
    const task = () => {
      const t = new StreamTask({
        applicationId: 'app',
        topology,
        subtopology: topology.subtopologies()[0],
        partition: 0,
        collector: { send: (r) => out.push(`${r.key}:${r.value}@${r.timestamp}`) },
        logChange: (store, key, value) => {
          const records = changelog.get(store) ?? [];
          records.push({ key, value });
          changelog.set(store, records);
        },
      });
      t.initialize();
      return t;
    };
    const raw = (topic: string, offset: number, ts: number, key: string, value: string) => ({
      topic,
      partition: 0,
      offset,
      timestamp: ts,
      key: Buffer.from(key),
      value: Buffer.from(value),
    });
    const first = task();
    first.process(raw('left', 0, 0, 'a', 'l1'));
    first.flush();
    first.close();
    expect(out).toEqual([]);
    expect(changelog.get('j-outer-join-store')?.length).toBe(1);

    const second = task();
    for (const [store, lifecycle] of second.storeLifecycles()) lifecycle.restore(changelog.get(store) ?? []);
    second.process(raw('right', 0, 30, 'x', 'rx')); // stream time 30 > 0 + 10: l1's window has closed
    second.flush();
    expect(out).toEqual(['a:l1+null@0']);
  });
});
