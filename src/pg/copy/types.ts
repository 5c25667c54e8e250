// The data-copy engine's inputs and reports. Pure types: apply builds CopyTable lists from the plan.
import type { ConnInfo } from '../conninfo/types.js';

export type CopyFormat = 'binary' | 'text';

/** One table to copy. The column list excludes generated columns and is used as is on both sides. */
export interface CopyTable {
  readonly schema: string;
  readonly table: string;
  readonly columns: readonly string[];
  /** A SQL predicate on the source table (a spec filter), or null for every row. */
  readonly filter: string | null;
  /** Empty the target table first, in the same transaction as its COPY (a re-copy). */
  readonly truncateFirst: boolean;
  /** Source size, for largest-first ordering. */
  readonly estimatedBytes?: number;
  /**
   * Tables sharing a group are loaded by one worker in ONE target transaction, with ONE `TRUNCATE a, b, …` of
   * those of them with truncateFirst (never CASCADE). Apply puts an FK closure that is re-copied in one group, so
   * a TRUNCATE of a referenced table always names its referencing tables in the same statement, as PostgreSQL
   * requires, and no other worker holds a lock on any of them. A table without a group is its own unit.
   */
  readonly group?: string;
}

export interface CopyTablesOptions {
  readonly source: ConnInfo;
  readonly target: ConnInfo;
  readonly sourceDatabase: string;
  readonly targetDatabase: string;
  /** From exportSnapshot() or the slot's EXPORT_SNAPSHOT; its holder must stay open until copyTables settles. */
  readonly snapshotId: string;
  readonly tables: readonly CopyTable[];
  readonly workers: number;
  readonly format: CopyFormat | 'auto';
  readonly onProgress?: (p: CopyProgress) => void;
  readonly signal?: AbortSignal;
  /** Fault injection for tests: fail a copy once this many rows passed through it. Default: PGREPL_FAULT. */
  readonly faultAfterRows?: number;
}

export interface CopyProgress {
  /** `schema.table`. */
  readonly address: string;
  readonly format: CopyFormat;
  readonly rows: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly bytesPerSecond: number;
  /** True once the table's COPY finished (its transaction may still be open when the table is part of a group). */
  readonly done: boolean;
}

export interface CopyTableResult {
  readonly address: string;
  readonly format: CopyFormat;
  /** Why 'auto' chose text for this table (the type that has no portable binary form). */
  readonly formatReason?: string;
  readonly rows: number;
  readonly bytes: number;
  readonly seconds: number;
  /** How target triggers were kept from firing. */
  readonly triggerGuard: TriggerGuard;
}

export type TriggerGuard = 'session_replication_role' | 'disable_trigger';

export interface CopySummary {
  readonly tables: number;
  readonly rows: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly results: readonly CopyTableResult[];
}
