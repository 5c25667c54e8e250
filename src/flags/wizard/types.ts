// What the interactive picker (issue 7) needs from its caller and gives back. The picker only asks; the caller
// turns the scope into a spec, writes the spec file when asked to, and runs plan/apply.
import type { ResolvedScope } from '../types.js';

export interface PickerIo {
  /** Keys come from here (process.stdin in a terminal; a PassThrough in tests). */
  readonly input: NodeJS.ReadableStream;
  /** Prompts and the summary go here (process.stdout in a terminal). */
  readonly output: NodeJS.WritableStream;
  /** Where a relative spec path is resolved and checked for an existing file; default process.cwd(). */
  readonly cwd?: string;
}

export interface PickerResult {
  /** Every choice made: databases, excluded tables, schema-only tables, time filters. */
  readonly scope: ResolvedScope;
  /** Absolute path the user asked the spec to be saved to (overwrite already confirmed), or null. */
  readonly saveSpecTo: string | null;
}
