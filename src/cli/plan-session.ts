// The flow `plan` and `apply` share: spec file -> state -> live servers -> basis -> plan (the last in plan-make.ts,
// which the commands load while they read the servers). The basis is what a saved
// plan records (CONTRACTS.md, Plans): the spec file's path and the sha256 of its bytes (never resolved values, which
// hold secrets), the state's lineage and serial, and the live state's fingerprint; apply recomputes it to refuse a
// stale plan.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { readActualState } from '../introspect/read-actual.js';
import type { ActualState } from '../introspect/types.js';
import { parseConnString, type ConnInfo } from '../pg/conninfo/index.js';
import { parseAddress } from '../model/address.js';
import { objectKey } from '../model/object-key.js';
import { actualFingerprint } from '../plan/actual-fingerprint.js';
import type { Plan, PlanBasis } from '../plan/types.js';
import { loadSpecText } from '../spec/load.js';
import type { Spec } from '../spec/model.js';
import type { StateBackend } from '../state/backend.js';
import { openStateBackend } from '../state/open-backend.js';
import type { StateDocument } from '../state/state-document.js';
import { InputError, PgreplError } from '../util/errors.js';
import { DEFAULT_SPEC_FILE } from './defaults.js';

export { DEFAULT_SPEC_FILE };

export interface SpecContext {
  readonly spec: Spec;
  /** Absolute path of the spec file (what the basis and the state record). */
  readonly specPath: string;
  /** sha256 hex of the bytes the spec was loaded from. */
  readonly specHash: string;
  /** Where the state is, for messages: the state file's path or the postgres backend's description (no secrets). */
  readonly statePath: string;
  /** Reads, locks and writes the state (local file or PostgreSQL); commands close it when they end. */
  readonly stateBackend: StateBackend;
  readonly source: ConnInfo;
  readonly target: ConnInfo;
}

/** Reads the spec once: the hash and the resolved spec come from the same bytes, so an edit in between cannot split them. */
export async function loadSpecContext(specArg: string | undefined, env: NodeJS.ProcessEnv): Promise<SpecContext> {
  const file = specArg ?? DEFAULT_SPEC_FILE;
  if (specArg === undefined && !existsSync(file)) {
    throw new InputError(`no ${DEFAULT_SPEC_FILE} in the current directory`, [
      { severity: 'error', message: 'pass --spec FILE, or run from the directory that holds pgrepl.yaml' },
    ]);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new PgreplError(code === 'ENOENT' ? `spec file not found: ${file}` : `cannot read spec file ${file}`, { cause: e });
  }
  const spec = loadSpecText(bytes.toString('utf8'), file, { env });
  return specContextFromSpec(spec, spec.file ?? file, createHash('sha256').update(bytes).digest('hex'), env);
}

/**
 * The context of a resolved spec, wherever it came from: a file (loadSpecContext) or the old tool's flags
 * (src/flags/flag-context.ts, whose specPath is a label and whose hash covers the flags, never a password).
 */
export function specContextFromSpec(spec: Spec, specPath: string, specHash: string, env: NodeJS.ProcessEnv): SpecContext {
  // Opens no connection (a pooled postgres state URL is refused here, before any work).
  const stateBackend = openStateBackend(spec.state, env);
  return {
    spec,
    specPath,
    specHash,
    statePath: stateBackend.description,
    stateBackend,
    source: parseConnString(spec.source.url, { env, defaultDatabase: 'postgres' }),
    target: parseConnString(spec.target.url, { env, defaultDatabase: 'postgres' }),
  };
}

export interface LiveView {
  readonly state: StateDocument | null;
  readonly actual: ActualState;
  readonly basis: PlanBasis;
}

/** The state and both servers as they are now, and the basis a plan made from them records. */
export async function readLive(
  ctx: SpecContext,
  opts: {
    readonly env: NodeJS.ProcessEnv; readonly sampleThroughput: boolean; readonly destroy?: boolean;
    /**
     * false: the basis gets no fingerprint (''), for a plan that the same process applies at once and never saves:
     * nothing compares it, and it cost ~0.1 s of CPU at 1,000 tables. Default true.
     */
    readonly fingerprint?: boolean;
  },
): Promise<LiveView> {
  const state = await ctx.stateBackend.read();
  // Destroy works with the source down: the target's part is done and the source's stays pending-delete.
  const actual = await readActualState(ctx.spec, {
    env: opts.env, sampleThroughput: opts.sampleThroughput,
    ...(opts.destroy === true ? { sourceOptional: { targetTables: recordedTargetTables(state) } } : {}),
  });
  const basis: PlanBasis = {
    spec: { path: ctx.specPath, hash: ctx.specHash },
    state: state === null ? null : { lineage: state.lineage, serial: state.serial },
    actual: opts.fingerprint === false ? '' : actualFingerprint(actual, state),
  };
  return { state, actual, basis };
}

/**
 * Starts importing makePlan (plan-make.ts) now: call before reading the servers and await after, so its ~90 modules
 * load in the time the process waits on them. The copy handed back handles a failure the caller never awaits.
 */
export function loadPlanMaker(): Promise<typeof import('./plan-make.js')> {
  const loading = import('./plan-make.js');
  loading.catch(() => undefined);
  return loading;
}

/** How many error diagnostics the plan has: plan and apply exit 1 on any. */
export function planErrors(plan: Plan): number {
  return plan.diagnostics.filter((d) => d.severity === 'error').length;
}

/** Target database -> the table keys the state records rows for (what destroy may empty). */
function recordedTargetTables(state: StateDocument | null): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of state?.resources ?? []) {
    const target = r.attributes['target_database'] ?? r.attributes['name'];
    if (typeof target !== 'string' || (r.kind !== 'rows' && r.kind !== 'database')) continue;
    const keys = out.get(target) ?? new Set<string>();
    if (r.kind === 'rows') {
      const [, schema, name] = parseAddress(r.address).segments;
      if (schema !== undefined && name !== undefined) keys.add(objectKey('table', schema, name));
    }
    out.set(target, keys);
  }
  for (const r of state?.resources ?? []) {
    const db = r.kind === 'subscription' ? r.attributes['database'] : undefined;
    if (typeof db === 'string' && !out.has(db)) out.set(db, new Set());
  }
  return out;
}
