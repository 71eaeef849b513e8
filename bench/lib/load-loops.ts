/** What a load phase measured: calls completed, over how long, and their latency percentiles (ms). */
export interface LoopResult {
  calls: number;
  seconds: number;
  p50: number;
  p99: number;
  /** Every latency, sorted (for other percentiles). */
  latencies: number[];
}

/**
 * Runs `call` from `concurrency` callers, each back to back, until `until` settles (either way: a
 * failed attacker ends the phase too, and its error is thrown here). `call` gets a running index
 * (for keys). The load the benchmarks put on a server beside an attack.
 */
export async function closedLoop(
  concurrency: number,
  call: (index: number) => Promise<unknown>,
  until: Promise<unknown>,
): Promise<LoopResult> {
  let done = false;
  const ended = until.finally(() => {
    done = true;
  });
  const latencies: number[] = [];
  let index = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!done) {
        const s = performance.now();
        await call(index++);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await ended;
  return summarize(latencies, seconds);
}

/**
 * Offers `rate` calls a second, paced per 1 ms tick whatever the answers (at most `maxInFlight`
 * outstanding), until `until` settles; a latency counts from when its call was due, so queueing
 * shows (no coordinated omission).
 */
export async function openLoop(
  rate: number,
  call: () => Promise<unknown>,
  until: Promise<unknown>,
  maxInFlight = 512,
): Promise<LoopResult> {
  let done = false;
  const ended = until.finally(() => {
    done = true;
  });
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let issued = 0;
  const t0 = performance.now();
  while (!done) {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    for (; issued < due && inFlight.size < maxInFlight; issued++) {
      const dueAt = t0 + (issued / rate) * 1000;
      const p: Promise<void> = call().then(() => {
        latencies.push(performance.now() - dueAt);
        inFlight.delete(p);
      });
      inFlight.add(p);
    }
    await sleep(0.001);
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - t0) / 1000;
  await ended;
  return summarize(latencies, seconds);
}

export function summarize(latencies: number[], seconds: number): LoopResult {
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return { calls: latencies.length, seconds, p50: q(0.5), p99: q(0.99), latencies };
}

export const sleep = (seconds: number): Promise<void> => new Promise((r) => setTimeout(r, seconds * 1000));
