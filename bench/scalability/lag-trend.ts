/**
 * Theodolite's lag-trend rule: sample the consumer group's lag (end offsets minus committed
 * offsets, summed over partitions) every second, drop the warm-up, fit an ordinary-least-squares
 * line through the rest; the load is sustained when the slope (records/s the backlog grows by) is
 * below a fraction of the load (1 %).
 */
import type { Admin } from 'kafkajs';

export interface LagSample {
  /** Seconds since the measurement started. */
  readonly t: number;
  readonly lag: number;
}

/** OLS slope of lag over time (records per second); NaN with fewer than two samples. */
export function olsSlope(samples: readonly LagSample[]): number {
  const n = samples.length;
  if (n < 2) return Number.NaN;
  let sumT = 0;
  let sumLag = 0;
  for (const s of samples) {
    sumT += s.t;
    sumLag += s.lag;
  }
  const meanT = sumT / n;
  const meanLag = sumLag / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.t - meanT) * (s.lag - meanLag);
    den += (s.t - meanT) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

export interface LagVerdict {
  readonly slope: number;
  readonly sustained: boolean;
  readonly samplesUsed: number;
}

export function judge(
  samples: readonly LagSample[],
  warmupSec: number,
  load: number,
  threshold = 0.01,
): LagVerdict {
  const used = samples.filter((s) => s.t >= warmupSec);
  const slope = olsSlope(used);
  return { slope, sustained: Number.isFinite(slope) && slope < threshold * load, samplesUsed: used.length };
}

/** The group's lag on `topic` now: committed offsets missing (nothing committed yet) count from 0. */
export async function groupLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const committedOf = new Map<number, number>();
  for (const t of committed) for (const p of t.partitions) committedOf.set(p.partition, Number(p.offset));
  let lag = 0;
  for (const p of ends) {
    const end = Number(p.high);
    const done = committedOf.get(p.partition) ?? -1;
    lag += end - (done < 0 ? Number(p.low) : done);
  }
  return lag;
}

/** Samples the lag every `intervalMs` until stopped; a failed sample is skipped and counted. */
export function sampleLag(admin: Admin, groupId: string, topic: string, intervalMs = 1000) {
  const samples: LagSample[] = [];
  let failures = 0;
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const once = async () => {
    const t = (performance.now() - start) / 1000;
    try {
      samples.push({ t, lag: await groupLag(admin, groupId, topic) });
    } catch {
      failures++; // counted and reported by the caller; one lost sample does not end a run
    }
    if (!stopped)
      timer = setTimeout(once, Math.max(0, intervalMs - ((performance.now() - start) % intervalMs)));
  };
  timer = setTimeout(once, intervalMs);
  return {
    samples,
    failures: () => failures,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
