import { describe, expect, it } from 'vitest';
import { queryStreamsProperties } from '../../src/engine/streams-properties.js';

describe('queryStreamsProperties (what a persistent query runs with)', () => {
  it('passes the consumer and producer settings a host maps (session, heartbeat, idle, replication, transaction timeout), prefixed winning over bare', () => {
    const out = queryStreamsProperties(
      {
        'ksql.streams.session.timeout.ms': '6000',
        'session.timeout.ms': '45000',
        'ksql.streams.heartbeat.interval.ms': '1000',
        'max.task.idle.ms': '50',
        'ksql.streams.replication.factor': '1',
        'ksql.streams.transaction.timeout.ms': '20000',
      },
      'app-1',
    );
    expect(out).toMatchObject({
      'session.timeout.ms': '6000',
      'heartbeat.interval.ms': '1000',
      'max.task.idle.ms': '50',
      'replication.factor': '1',
      'transaction.timeout.ms': '20000',
      'application.id': 'app-1',
    });
  });

  it("keeps ksqlDB's defaults and leaves out properties it does not know", () => {
    const out = queryStreamsProperties({ 'ksql.streams.some.unknown': 'x' }, 'app-2');
    expect(out).toEqual({
      'auto.offset.reset': 'latest',
      'processing.guarantee': 'at_least_once',
      'application.id': 'app-2',
    });
  });
});
