// The old tool ran `init` on its vendor's cloud by default (`--seren`, SEREN_API_KEY). pgrepl has no remote
// execution: it says so in one line and goes on locally. Never prints the key.
import type { ExecutionFlagArgs } from './flag-options.js';

/** `--seren` / SEREN_API_KEY: the old tool's cloud execution does not exist here; say so in one line. */
export function serenNotice(args: ExecutionFlagArgs, env: NodeJS.ProcessEnv): string | null {
  if (args.seren !== true && (env['SEREN_API_KEY'] ?? '') === '') return null;
  return 'Note: pgrepl runs where it is started (here); there is no remote execution. To run it away from a laptop, run it as a CI job with a shared state backend (state: { backend: postgres }, docs/state.md). Continuing locally.\n';
}

