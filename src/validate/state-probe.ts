// What validate learns about where the state lives (spec `state:`): whether the first apply could create and
// write it there, what it holds now, and who holds its lock. Reads only; a failure becomes the check's message.
import type { Spec } from '../spec/model.js';
import { describeLockHolder } from '../state/lock-info.js';
import { openStateBackend } from '../state/open-backend.js';
import { PgreplError } from '../util/errors.js';

export interface StateProbe {
  readonly backend: 'local' | 'postgres';
  /** The path, or the postgres description (no password). */
  readonly description: string;
  readonly state: { readonly lineage: string; readonly serial: number } | null;
  /** `pgrepl apply (pid … on host …, since …)`, or null. */
  readonly lockedBy: string | null;
  readonly problem: { readonly message: string; readonly hints: readonly string[] } | null;
}

export async function probeState(spec: Spec, env: NodeJS.ProcessEnv): Promise<StateProbe> {
  let description = spec.state.backend === 'local' ? spec.state.path : `postgres state "${spec.state.name}"`;
  const base = { backend: spec.state.backend, state: null, lockedBy: null } as const;
  try {
    const backend = openStateBackend(spec.state, env);
    description = backend.description;
    try {
      const refusal = await backend.writeRefusal();
      const doc = await backend.read();
      const holder = await backend.readLock();
      return {
        ...base, description,
        state: doc === null ? null : { lineage: doc.lineage, serial: doc.serial },
        lockedBy: holder === null ? null : describeLockHolder(holder),
        problem: refusal === null ? null : { message: refusal.message, hints: refusal.hints },
      };
    } finally {
      await backend.close();
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ...base, description, problem: { message, hints: e instanceof PgreplError ? e.hints : [] } };
  }
}
