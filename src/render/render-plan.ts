// The human plan (STYLE.md #3, #4). It renders the object `plan --json` prints: the plan goes through its JSON and
// parsePlanJson first (planThroughJson), so the text can show nothing the JSON lacks (a password included) and the
// two never disagree.
//
//   # target.role.app will be created
//   + target.role.app
//       role app is not on the target                      <- the reason, on its own line
//       ~ comment = null -> "x"                            <- updates and replaces: the attribute diff
//       sql:                                               <- the SQL preview, indented
//         CREATE ROLE app LOGIN
//       copy: 1.2M rows, 340 MB, ~12 s                     <- data copies
//
// then diagnostics, then `Plan: N to add, N to change, N to destroy.`; with no steps, NO_CHANGES alone.
// Colours come from ACTION_INFO (and SEVERITY_LOOK) only; with color: false there is no escape code at all.
import { Chalk, type ChalkInstance } from 'chalk';
import { quoteIdent, quoteQualified } from '../pg/sql/quote.js';
import { ACTION_INFO } from '../plan/action-info.js';
import { planThroughJson } from '../plan/plan-json.js';
import type { Action, Operation, Plan, PlanStep } from '../plan/types.js';
import { formatDiagnostic } from '../util/errors.js';
import { attributeDiff, type DiffMark } from './attribute-diff.js';
import { formatBytes, formatEstimate, formatSeconds } from './human-units.js';
import { countOids } from '../model/oid-ranges.js';
import { SEVERITY_LOOK } from './severity-look.js';

export const NO_CHANGES = 'No changes. The target matches the spec.';

export interface RenderOptions {
  readonly color: boolean;
}

const MARK_ACTION: Readonly<Record<DiffMark, Action | null>> = { '+': 'create', '-': 'delete', '~': 'update', ' ': null };

const BODY = '    ';

/** Lines an operation adds besides the SQL preview (sql operations are the preview itself). */
const OPERATION_LINES: { readonly [T in Operation['type']]: (op: Extract<Operation, { type: T }>) => string[] } = {
  sql: () => [],
  'data-copy': (op) => [
    `copy: ${formatEstimate(op.estimate)}`,
    `  from ${quoteQualified(op.table.schema, op.table.name)} (${op.columns.map(quoteIdent).join(', ')})${op.filter === null ? '' : ` where ${op.filter}`}`,
    ...(op.truncateFirst.length === 0 ? [] : [`  emptied first: ${op.truncateFirst.map((t) => quoteQualified(t.schema, t.name)).join(', ')}`]),
  ],
  'large-objects': (op) => [
    ...(op.copy
      ? [`large objects: ${op.estimate.rows.toLocaleString('en-US')}, ${formatBytes(op.estimate.bytes)}, ${op.estimate.seconds === null ? 'time unknown (no copy rate measured yet)' : formatSeconds(op.estimate.seconds)}`,
        `  same oids as on the source${op.roles === 'copy' ? ', owners and grants as on the source' : ', owned by the target role, no grants (roles: skip)'}`]
      : []),
    ...(op.unlink.length === 0 ? [] : [`${op.copy ? '  unlinked first' : 'unlinked'}: ${countOids(op.unlink).toLocaleString('en-US')} large object(s), oids ${op.unlink.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).slice(0, 5).join(', ')}${op.unlink.length > 5 ? ', …' : ''}`]),
  ],
  'sequence-values': (op) => [`sequence values from the source: ${op.sequences.map((q) => quoteQualified(q.schema, q.name)).join(', ')}`],
  'create-slot': (op) => [`slot: ${op.slot} (${op.plugin}${op.exportSnapshot ? ', exports the snapshot the copy reads' : ''})`],
  'drop-slot': (op) => [`slot: ${op.slot} dropped`],
  'create-subscription': (op) => {
    const options = Object.entries(op.options).map(([k, v]) => `${k} = ${String(v)}`);
    return [
      `subscription: ${op.subscription} to publication ${op.publication} through slot ${op.slot}${options.length === 0 ? '' : ` (${options.join(', ')})`}`,
      ...(op.storesPassword ? ['  the connection string will store a password in pg_subscription'] : []),
    ];
  },
};

function operationLines(op: Operation): string[] {
  return (OPERATION_LINES[op.type] as (o: Operation) => string[])(op);
}

function renderStep(step: PlanStep, c: ChalkInstance): string[] {
  const info = ACTION_INFO[step.action];
  const colour = c[info.colour];
  const lines = [c.bold(`# ${step.address} ${info.verb}`)];
  if (step.destructive) lines.push(colour.bold('# destructive: drops or rewrites data; needs --allow-destroy or a confirmation'));
  lines.push(colour(`${info.symbol} ${step.address}`));
  if (step.reason !== '') lines.push(`${BODY}${step.reason}`);
  if (step.before !== null && step.after !== null) {
    for (const d of attributeDiff(step.before, step.after)) {
      const action = MARK_ACTION[d.mark];
      const text = `${BODY}${d.mark} ${d.text}`;
      lines.push(action === null ? text : c[ACTION_INFO[action].colour](text));
    }
  }
  if (step.sqlPreview.length > 0) {
    lines.push(`${BODY}sql:`);
    for (const sql of step.sqlPreview) for (const line of sql.split('\n')) lines.push(c.dim(`${BODY}  ${line}`));
  }
  for (const op of step.operations) for (const line of operationLines(op)) lines.push(`${BODY}${line}`);
  return lines;
}

export function renderPlanText(plan: Plan, opts: RenderOptions): string {
  const shown = planThroughJson(plan);
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const out: string[] = [];
  if (shown.steps.length > 0) {
    out.push('pgrepl will perform the following actions:', '');
    for (const step of shown.steps) out.push(...renderStep(step, c), '');
  }
  for (const d of shown.diagnostics) {
    const look = SEVERITY_LOOK[d.severity];
    out.push(`${c[look.colour].bold(`${look.label}:`)} ${formatDiagnostic(d)}`);
  }
  if (shown.diagnostics.length > 0) out.push('');
  if (shown.steps.length === 0) out.push(NO_CHANGES);
  else {
    const destructive = shown.steps.filter((s) => s.destructive).length;
    if (destructive > 0) out.push(`${destructive} destructive step${destructive === 1 ? '' : 's'}: apply needs --allow-destroy or a confirmation.`);
    const { add, change, destroy } = shown.summary;
    out.push(c.bold(`Plan: ${add} to add, ${change} to change, ${destroy} to destroy.`));
  }
  return `${out.join('\n')}\n`;
}
