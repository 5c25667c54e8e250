// What DDL builders return: pure data, executed by src/pg/ddl/execute.ts (or shown in a plan's SQL preview).
import type { ObjectKey } from '../../model/schema.js';

/**
 * pre-data: everything a COPY needs (schemas, extensions, types, functions, sequences, tables without secondary
 * indexes and FKs, views); post-data: indexes, constraints, FKs, triggers, policies, grants, comments, sequence
 * values; `data` is reserved for the copy itself.
 */
export type DdlPhase = 'pre-data' | 'post-data';

export interface DdlStatement {
  readonly sql: string;
  /** False for statements that cannot run inside a transaction block (CREATE DATABASE, …). */
  readonly transactional: boolean;
  readonly phase: DdlPhase;
  /** The object the statement creates or changes (for ordering, plan addresses and error messages). */
  readonly object: ObjectKey;
  /**
   * The statement must be committed before any later statement runs (an enum value added with ADD VALUE
   * cannot be used in the transaction that added it).
   */
  readonly commitAfter?: boolean;
  /** Drops or rewrites data (DROP TABLE, DROP COLUMN, ALTER COLUMN TYPE with a rewrite, …). */
  readonly destructive?: boolean;
}
