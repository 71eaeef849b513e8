import { describe, expect, it } from 'vitest';
import {
  type Change,
  NO_HEADERS,
  type ProcessorContext,
  Record,
  Serdes,
  StreamsBuilder,
  TopologyTestDriver,
} from '@meterstream/streams';
import { ResponseJoinProcessor, valueHash } from '../../src/dsl/processors/foreign-key-join-processors.js';

const str = Serdes.string();
const serdes = { keySerde: str, valueSerde: str };

/**
 * orders (key: order id, value: "<customer id>:<item>") ⋈ customers (key: customer id, value: name)
 * on the customer id inside the order value (Kafka Streams' foreign-key table–table join).
 */
function fkJoin(left: boolean) {
  const b = new StreamsBuilder();
  const orders = b.table<string, string>('orders', serdes);
  const customers = b.table<string, string>('customers', serdes);
  const fk = (order: string) => {
    const c = order.split(':')[0];
    return c === '' ? null : c;
  };
  const joiner = (order: string, customer: string | null) => `${order}/${customer}`;
  const joined = left
    ? orders.leftJoin(customers, fk, joiner, { name: 'fk' })
    : orders.join(customers, fk, joiner, { name: 'fk' });
  joined.toStream().to('out', serdes);
  const topology = b.build();
  const d = new TopologyTestDriver(topology, { applicationId: 'app' });
  return {
    topology,
    orders: d.createInputTopic('orders', str, str),
    customers: d.createInputTopic('customers', str, str),
    out: () =>
      d
        .createOutputTopic('out', str, str)
        .readRecordsToList()
        .map((r) => [r.key, r.value]),
  };
}

describe('foreign-key KTable–KTable join (subscription / response topics)', () => {
  it('declares the subscription and response topics and co-partitions them with the side they serve', () => {
    const { topology } = fkJoin(false);
    const topics = topology.internalTopics('app').map((t) => t.name);
    expect(topics).toContain('app-fk-subscription-registration-topic');
    expect(topics).toContain('app-fk-subscription-response-topic');
    expect(topics).toContain('app-fk-subscription-store-changelog');
    expect(topology.copartitionGroups('app')).toContainEqual([
      'app-fk-subscription-registration-topic',
      'customers',
    ]);
    expect(topology.copartitionGroups('app')).toContainEqual([
      'app-fk-subscription-response-topic',
      'orders',
    ]);
  });

  it('inner join: results when both rows exist, updates from either side, tombstones when one goes', () => {
    const { orders, customers, out } = fkJoin(false);
    orders.pipeInput('o1', 'c1:apple', 1); // no customer yet: nothing
    expect(out()).toEqual([]);
    customers.pipeInput('c1', 'Ann', 2); // the right row arrives: the subscribed order joins
    expect(out()).toEqual([['o1', 'c1:apple/Ann']]);
    orders.pipeInput('o2', 'c1:pear', 3);
    customers.pipeInput('c1', 'Anne', 4); // updates every order subscribed to c1
    expect(out()).toEqual([
      ['o2', 'c1:pear/Ann'],
      ['o1', 'c1:apple/Anne'],
      ['o2', 'c1:pear/Anne'],
    ]);
    orders.pipeInput('o1', 'c2:apple', 5); // FK moves to a customer that does not exist: result unset
    expect(out()).toEqual([['o1', null]]);
    customers.pipeInput('c1', 'Annie', 6); // o1 no longer subscribes to c1
    expect(out()).toEqual([['o2', 'c1:pear/Annie']]);
    customers.pipeInput('c1', null, 7);
    expect(out()).toEqual([['o2', null]]);
    orders.pipeInput('o2', null, 8); // deleting a left row whose right row is gone
    expect(out()).toEqual([['o2', null]]);
  });

  it('left join: rows without a match (or with a null foreign key) join null', () => {
    const { orders, customers, out } = fkJoin(true);
    orders.pipeInput('o1', 'c1:apple', 1);
    expect(out()).toEqual([['o1', 'c1:apple/null']]);
    orders.pipeInput('o2', ':nobody', 2); // null FK: joined with null, no subscription
    expect(out()).toEqual([['o2', ':nobody/null']]);
    customers.pipeInput('c1', 'Ann', 3);
    expect(out()).toEqual([['o1', 'c1:apple/Ann']]);
    customers.pipeInput('c1', null, 4);
    expect(out()).toEqual([['o1', 'c1:apple/null']]);
    orders.pipeInput('o1', null, 5);
    expect(out()).toEqual([['o1', null]]);
  });

  it('a response for a superseded left value is dropped (hash check)', () => {
    // The driver answers each subscription before the next input, so the race is staged on the
    // resolver itself: the response was computed for left value "c1:x", the row is now "c2:y".
    const left = new Map<string, { value: string; timestamp: number }>([
      ['o1', { value: 'c2:y', timestamp: 4 }],
    ]);
    const forwarded: unknown[] = [];
    const resolver = new ResponseJoinProcessor<string, string, string, string>(
      'left',
      str,
      str,
      (o, c) => `${o}/${c}`,
      false,
    );
    resolver.init({
      getStateStore: () => ({ get: (k: string) => left.get(k) }),
      forward: (r: Record<string, unknown>) => forwarded.push([r.key, r.value]),
    } as unknown as ProcessorContext<string, Change<string>>);
    const stale = { hash: valueHash(str.serialize('c1:x')), value: str.serialize('Ann') };
    resolver.process(new Record('o1', stale, 5, NO_HEADERS));
    expect(forwarded).toEqual([]);
    const current = { hash: valueHash(str.serialize('c2:y')), value: str.serialize('Bob') };
    resolver.process(new Record('o1', current, 6, NO_HEADERS));
    expect(forwarded).toEqual([['o1', { newValue: 'c2:y/Bob', oldValue: null }]]);
  });
});
