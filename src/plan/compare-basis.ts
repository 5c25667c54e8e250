// Why a saved plan is stale: each line names one thing that moved since the plan was made, for apply's refusal
// ("the plan is stale: state serial 4 → 5"). An empty list means the plan may be applied.
import type { PlanBasis } from './types.js';

export function comparePlanBasis(saved: PlanBasis, current: PlanBasis): string[] {
  const out: string[] = [];
  if (saved.spec === null && current.spec !== null) out.push(`the plan was made without a spec file, now ${current.spec.path} is used`);
  else if (saved.spec !== null && current.spec === null) out.push(`the plan was made from ${saved.spec.path}, now no spec file is used`);
  else if (saved.spec !== null && current.spec !== null) {
    if (saved.spec.path !== current.spec.path) out.push(`spec path ${saved.spec.path} → ${current.spec.path}`);
    else if (saved.spec.hash !== current.spec.hash) out.push(`spec file changed (${saved.spec.path})`);
  }
  const [s, c] = [saved.state, current.state];
  if (s === null && c !== null) out.push(`state created since the plan (lineage ${c.lineage}, serial ${c.serial})`);
  else if (s !== null && c === null) out.push(`state (lineage ${s.lineage}) no longer exists`);
  else if (s !== null && c !== null) {
    if (s.lineage !== c.lineage) out.push(`state lineage ${s.lineage} → ${c.lineage} (a different state file)`);
    else if (s.serial !== c.serial) out.push(`state serial ${s.serial} → ${c.serial}`);
  }
  if (saved.actual !== current.actual) out.push('live state changed (objects, definitions or options on the servers differ from when the plan was made)');
  return out;
}
