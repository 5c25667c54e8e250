// Collects the problems found while resolving a spec, so every one is reported at once, each placed at its
// YAML node. Knows which values came from the environment and keeps them out of messages.
import type { Diagnostic, SourcePosition } from '../util/errors.js';
import { notImplementedMessage } from './not-implemented.js';
import type { SpecLocator } from './positions.js';
import { formatPath, toPointer, type SpecPath } from './spec-path.js';

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly locator: SpecLocator,
    private readonly interpolated: ReadonlySet<string>,
    private readonly allowNotImplemented: boolean,
  ) {}

  /** An error at the value of `path` (or at its key, for problems about the key itself). */
  error(path: SpecPath, message: string, where: 'key' | 'value' = 'value', hints?: readonly string[]): void {
    const formatted = formatPath(path);
    // Settings inherited from `defaults:` are checked once per database: report each problem once.
    const id = `${formatted}\u0000${message}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    const position = where === 'key' ? this.locator.key(path) : this.locator.value(path);
    this.diagnostics.push({
      severity: 'error',
      message,
      ...(formatted ? { path: formatted } : {}),
      ...(position ? { position } : {}),
      ...(hints && hints.length > 0 ? { hints } : {}),
    });
  }

  /** Refuses a key from the NOT_IMPLEMENTED list (unless the caller opted in, for tests of later work). */
  notImplemented(path: SpecPath, key: string): void {
    const message = notImplementedMessage(key);
    if (message !== null && !this.allowNotImplemented) this.error(path, message, 'key');
  }

  position(path: SpecPath): SourcePosition | undefined {
    return this.locator.value(path);
  }

  /** Where the key holding `path` is written (a database's name rather than its first setting). */
  keyPosition(path: SpecPath): SourcePosition | undefined {
    return this.locator.key(path);
  }

  /** Where `path` is written, for "the first is …" remarks: `line 12`, or the dotted path without positions. */
  describe(path: SpecPath): string {
    const p = this.locator.value(path);
    return p ? `at line ${p.line}` : formatPath(path);
  }

  /** `text` quoted for a message, unless it came from the environment (it may be a secret). */
  show(path: SpecPath, text: string): string {
    return this.interpolated.has(toPointer(path)) ? 'the value from the environment' : JSON.stringify(text);
  }
}
