import { describe, expect, it } from 'vitest';
import { TokenBucket } from '@meterstream/replay';

describe('TokenBucket', () => {
  it('refills continuously from the clock and caps at its capacity (simulated clock)', () => {
    let now = 0;
    const bucket = new TokenBucket({ rate: 100, capacity: 50, now: () => now });
    expect(bucket.tryTake(1)).toBe(false); // starts empty: no burst at start-up
    now = 100; // 10 tokens
    expect(bucket.tryTake(10)).toBe(true);
    expect(bucket.tryTake(1)).toBe(false);
    expect(bucket.waitTime(5)).toBeCloseTo(50);
    now = 10_000; // long pause: capped at 50
    expect(bucket.tryTake(51)).toBe(false);
    expect(bucket.tryTake(50)).toBe(true);
  });

  it('refuses a non-positive rate', () => {
    expect(() => new TokenBucket({ rate: 0 })).toThrow(RangeError);
  });

  it('holds 1000 msg/s within ±5 % over 5 s of real time', async () => {
    const rate = 1000;
    const bucket = new TokenBucket({ rate });
    const started = performance.now();
    let taken = 0;
    // the publisher takes ~50 ms worth of tokens per batch
    while (performance.now() - started < 5000) {
      await bucket.take(50);
      taken += 50;
    }
    const elapsed = (performance.now() - started) / 1000;
    const measured = taken / elapsed;
    console.log(
      `[replay] token bucket: ${taken} tokens in ${elapsed.toFixed(3)} s = ${measured.toFixed(1)}/s`,
    );
    expect(measured).toBeGreaterThan(rate * 0.95);
    expect(measured).toBeLessThan(rate * 1.05);
  }, 15_000);

  it('lets a request larger than the capacity through at the right pace', async () => {
    const bucket = new TokenBucket({ rate: 1000, capacity: 10 });
    const started = performance.now();
    await bucket.take(200);
    await bucket.take(200);
    const elapsed = performance.now() - started;
    // 400 tokens at 1000/s: the second take waits for the first one's debt (≈ 400 ms in all)
    expect(elapsed).toBeGreaterThanOrEqual(390);
  });
});
