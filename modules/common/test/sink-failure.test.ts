import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SINK_RETRY_POLICY,
  SinkFailureTracker,
  backoffDelayMs,
  retryWithBackoff,
  sinkFailureHeaders,
} from '../src/sink-failure.js';

const fast = { retries: 3, initialBackoffMs: 1, maxBackoffMs: 4, alertAfterFailures: 3 };

describe('retryWithBackoff', () => {
  it('doubles the wait per retry up to the bound', () => {
    expect([1, 2, 3, 4, 5, 6].map((r) => backoffDelayMs(DEFAULT_SINK_RETRY_POLICY, r))).toEqual([
      200, 400, 800, 1600, 3200, 5000,
    ]);
  });

  it('returns the first success after failures, telling each retry', async () => {
    let calls = 0;
    const retries: number[] = [];
    const result = await retryWithBackoff(
      async () => {
        calls++;
        if (calls < 3) throw new Error(`attempt ${calls}`);
        return 'written';
      },
      fast,
      (retry) => retries.push(retry),
    );
    expect(result).toBe('written');
    expect(calls).toBe(3);
    expect(retries).toEqual([1, 2]);
  });

  it('gives up after 1 + retries attempts with the last error', async () => {
    let calls = 0;
    await expect(
      retryWithBackoff(async () => {
        calls++;
        throw new Error(`attempt ${calls}`);
      }, fast),
    ).rejects.toThrow('attempt 4');
    expect(calls).toBe(4);
  });
});

describe('SinkFailureTracker', () => {
  const where = { topic: 't', partition: 1 };

  it('raises sink-failing once at the threshold and sink-recovered at the next success', () => {
    let now = Date.UTC(2026, 0, 1);
    const tracker = new SinkFailureTracker('sink-a', 3, () => now);
    expect(tracker.failed(new Error('down'), where)).toBeUndefined();
    now += 1000;
    expect(tracker.failed(new Error('down'), where)).toBeUndefined();
    now += 1000;
    expect(tracker.failed(new Error('still down'), where)).toEqual({
      type: 'sink-failing',
      sink: 'sink-a',
      timestamp: '2026-01-01T00:00:02Z',
      reason: 'still down',
      details: { consecutiveFailures: 3, since: '2026-01-01T00:00:00Z', topic: 't', partition: 1 },
    });
    expect(tracker.failing).toBe(true);
    expect(tracker.failed(new Error('down'), where)).toBeUndefined(); // once per run
    now += 1000;
    expect(tracker.succeeded(where)).toMatchObject({
      type: 'sink-recovered',
      details: { consecutiveFailures: 4, since: '2026-01-01T00:00:00Z' },
    });
    expect(tracker.failing).toBe(false);
    expect(tracker.succeeded(where)).toBeUndefined();
  });

  it('a success between failures starts the count over', () => {
    const tracker = new SinkFailureTracker('sink-b', 2);
    expect(tracker.failed(new Error('x'), where)).toBeUndefined();
    expect(tracker.succeeded(where)).toBeUndefined();
    expect(tracker.failed(new Error('x'), where)).toBeUndefined();
    expect(tracker.failed(new Error('x'), where)?.type).toBe('sink-failing');
  });
});

it('sinkFailureHeaders name the failure, the source and the attempts', () => {
  const error = new TypeError('connection refused');
  expect(sinkFailureHeaders(error, 'app', { topic: 't', partition: 2, offset: '17' }, 4)).toEqual({
    'error.class': 'TypeError',
    'error.reason': 'sink-write-failed',
    'error.part': 'value',
    'error.message': 'connection refused',
    'error.topic': 't',
    'error.partition': '2',
    'error.offset': '17',
    'error.application': 'app',
    'error.attempts': '4',
  });
});
