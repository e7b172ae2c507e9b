// Preloaded (`node -r bench/rss-probe.cjs ...`) into the cold CLI runs: on exit,
// writes the process' peak RSS (KiB) to $BENCH_PROBE_OUT. Costs well under 1 ms.
'use strict';
process.on('exit', () => {
  const f = process.env.BENCH_PROBE_OUT;
  if (f) require('fs').writeFileSync(f, String(process.resourceUsage().maxRSS));
});
