// Times the half of `pgrepl apply` that runs before anything is changed, piece by piece, in a process of its own:
// module loading, the spec, both servers read (readLive) without and with the throughput sample, the plan, and
// its text. It imports the same dist/ modules the CLI runs, so the figures are the CLI's; it changes nothing.
// Run by bench/clone.bench.ts once per dataset; by hand:
//   SOURCE_URL=… TARGET_URL=… node bench/clone/plan-probe.mjs <spec.yaml>     (prints one JSON line)
import { performance } from 'node:perf_hooks';

const atStart = performance.now(); // ms since this process started: node's own start-up
const spec = process.argv[2];
if (!spec) {
  console.error('usage: node bench/clone/plan-probe.mjs <spec.yaml>');
  process.exit(1);
}
const dist = new URL('../../dist/', import.meta.url);
const ms = {};
let t = performance.now();
const lap = (name) => {
  const now = performance.now();
  ms[name] = Math.round(now - t);
  t = now;
};
const session = await import(new URL('cli/plan-session.js', dist).href);
// The CLI loads the planner while it reads the servers (loadPlanMaker); here it counts with the modules.
const planMake = await import(new URL('cli/plan-make.js', dist).href).catch(() => session);
const render = await import(new URL('render/render-plan.js', dist).href);
lap('modules');
const ctx = await session.loadSpecContext(spec, process.env);
lap('spec');
await session.readLive(ctx, { env: process.env, sampleThroughput: false });
lap('read servers');
const live = await session.readLive(ctx, { env: process.env, sampleThroughput: true });
lap('read servers + throughput sample');
const plan = planMake.makePlan(ctx, live, { destroy: false, refreshWindows: false }, process.env);
lap('plan');
const text = render.renderPlanText(plan, { color: false });
lap('render');
console.log(JSON.stringify({ 'node start': Math.round(atStart), ...ms, steps: plan.steps.length, planLines: text.split('\n').length }));
