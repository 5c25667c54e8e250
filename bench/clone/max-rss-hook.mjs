// Loaded into pgrepl's CLI process by the clone benchmark (`node --import <this> dist/cli/main.js …`): writes the
// process's peak resident set in bytes to $PGREPL_BENCH_RSS_FILE when it exits, so the figure is the kernel's
// high-water mark (getrusage ru_maxrss), not a sample that can miss a short peak.
import { writeFileSync } from 'node:fs';

const file = process.env.PGREPL_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
  });
}
