// Loaded with `node --import` into a benchmarked process: on exit, writes its CPU time and peak RSS
// (process.resourceUsage) as JSON to $BENCH_USAGE_FILE — figures /proc no longer has once the
// process is gone.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
        peakRssMiB: usage.maxRSS / 1024,
      }),
    );
  });
}
