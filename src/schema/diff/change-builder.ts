// Collects what one object's comparison finds: reasons, teardown and build statements, or that it must be
// replaced (dropped and created again) because no ALTER reaches the desired state.
import type { DdlStatement } from '../../pg/ddl/types.js';

export class ChangeBuilder {
  readonly reasons: string[] = [];
  readonly teardown: DdlStatement[] = [];
  readonly statements: DdlStatement[] = [];
  /** Reasons no ALTER can do it; non-empty = replace. */
  readonly replaceReasons: string[] = [];
  /** Columns dropped or retyped: the server refuses that while a view reads the column, so such views are rebuilt. */
  readonly brokenColumns: string[] = [];
  /** What the target major cannot take at all: a plan error naming the object. */
  readonly unsupported: string[] = [];

  /** A difference fixed by these statements (teardown ones run before anything is built). */
  add(reason: string, statements: readonly DdlStatement[], teardown: readonly DdlStatement[] = []): void {
    this.reasons.push(reason);
    this.statements.push(...statements);
    this.teardown.push(...teardown);
  }

  refuse(message: string): void {
    this.unsupported.push(message);
  }

  replace(reason: string): void {
    this.replaceReasons.push(reason);
  }

  get empty(): boolean {
    return this.reasons.length === 0 && this.replaceReasons.length === 0;
  }
}
