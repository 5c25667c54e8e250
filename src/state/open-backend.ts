// The spec's `state:` -> the backend every command reads, locks and writes the state through (backend.ts). Opens
// no connection: the postgres backend connects per call, so a command that only reads holds nothing open. A
// pooled postgres URL is refused here, before any work starts.
import type { StateBackend as StateBackendSpec } from '../spec/model.js';
import type { StateBackend } from './backend.js';
import { localStateBackend } from './local-state-backend.js';
import { postgresStateBackend } from './pg-backend.js';

export function openStateBackend(spec: StateBackendSpec, env: NodeJS.ProcessEnv): StateBackend {
  if (spec.backend === 'local') return localStateBackend(spec.path);
  return postgresStateBackend({ url: spec.url, schema: spec.schema, name: spec.name }, { env });
}
