// The builders' working unit: one statement plus what must run before it. Nodes are ordered into the flat
// DdlStatement list by order-nodes.ts; they never leave src/pg/ddl.
import type { ObjectKey } from '../../model/schema.js';
import type { DdlPhase, DdlStatement } from './types.js';

export interface DdlNode {
  /** Unique within one build: `<object key>#<step>`, e.g. `table:public.t#create`, `table:public.t#fk:t_a_fkey`. */
  readonly id: string;
  readonly statement: DdlStatement;
  /** Node ids that must come first; ids that no node has (objects outside the model) are ignored. */
  readonly after: readonly string[];
  /** Preferred position among nodes that are ready at the same time (lower first): kind, then step. */
  readonly rank: number;
}

/** The id of the statement that creates an object: what other objects' `deps` point at. */
export function createId(key: ObjectKey): string {
  return `${key}#create`;
}

export function ddlNode(
  object: ObjectKey,
  step: string,
  phase: DdlPhase,
  rank: number,
  sql: string,
  after: readonly string[] = [],
  extra: { readonly transactional?: boolean; readonly commitAfter?: boolean } = {},
): DdlNode {
  const statement: DdlStatement = {
    sql,
    transactional: extra.transactional ?? true,
    phase,
    object,
    ...(extra.commitAfter ? { commitAfter: true } : {}),
  };
  return { id: `${object}#${step}`, statement, after, rank };
}
