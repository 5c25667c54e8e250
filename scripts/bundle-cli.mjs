// Bundles the compiled CLI (<dist>/cli/main.js, tsc's output) into one entry plus a few lazily loaded chunks, in
// place, so `pgrepl` starts without resolving and compiling ~400 separate module files: on this project's 2-core
// machines that took 0.3–0.4 s of every command's start (bench/README.md, "A bundled CLI").
// Run by `npm run build` and by the end-to-end tests' build (test/integration/e2e-helpers.ts):
//   node scripts/bundle-cli.mjs [distDir=dist]
// The chunks sit next to main.js in <dist>/cli/, at the same depth as every module that reads a file relative to
// itself (`../../package.json`, `../../schemas/…`), so those paths still resolve. The other compiled modules stay in
// <dist> for the benchmarks' probes, which import them one by one.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dist = resolve(process.argv[2] ?? 'dist');
const cliDir = join(dist, 'cli');
const entry = join(cliDir, 'main.js');

// Chunks of an earlier bundle: the new one names its own.
for (const file of readdirSync(cliDir)) if (file.startsWith('chunk-')) rmSync(join(cliDir, file));

await build({
  entryPoints: [entry],
  outdir: cliDir,
  allowOverwrite: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // CommonJS dependencies bundled into an ES module still call require() (pg for its optional native binding,
  // Node's built-ins) and read __filename (write-file-atomic names its temp files with it).
  banner: {
    js: "import { createRequire as __pgreplCreateRequire } from 'node:module'; import { fileURLToPath as __pgreplFileURLToPath } from 'node:url'; " +
      'const require = __pgreplCreateRequire(import.meta.url); const __filename = __pgreplFileURLToPath(import.meta.url);',
  },
});
