// Summarise the `.cpuprofile` files that PGREPL_BENCH_CPU_PROF makes `pgrepl apply` write: self time per source
// file and per function, largest first, so "where does the CLI's own CPU go" has an answer without a GUI.
// Run: node bench/clone/cpuprofile-summary.mjs <file.cpuprofile | directory> [top=15]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function files(path) {
  return statSync(path).isDirectory()
    ? readdirSync(path).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(path, f))
    : [path];
}

function shortUrl(url) {
  const n = url.lastIndexOf('node_modules/');
  if (n >= 0) return url.slice(n);
  const i = url.indexOf('/dist/');
  return i >= 0 ? url.slice(i + 1) : url || '(native/idle/gc)';
}

function summarise(profile, top) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map();
  const byFile = new Map();
  for (const [id, us] of selfUs) {
    const f = byId.get(id)?.callFrame;
    if (!f) continue;
    const file = shortUrl(f.url);
    const fn = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const wallMs = (profile.endTime - profile.startTime) / 1000;
  const fmt = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([k, us]) => `    ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`).join('\n');
  return `  wall ${wallMs.toFixed(0)} ms; self time by file:\n${fmt(byFile)}\n  by function:\n${fmt(byFunction)}`;
}

const [target, topArg] = process.argv.slice(2);
if (!target) {
  console.error('usage: node bench/clone/cpuprofile-summary.mjs <file.cpuprofile | directory> [top]');
  process.exit(1);
}
for (const file of files(target)) console.log(`${file}\n${summarise(JSON.parse(readFileSync(file, 'utf8')), Number(topArg ?? '15'))}`);
