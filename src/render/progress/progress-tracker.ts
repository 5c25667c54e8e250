// What the progress views know, folded from the engine's ApplyEvents (src/apply/types.ts): steps done of the plan's
// total, and per database the tables its data stage copies with their estimates and what has moved so far. Mutable on
// purpose: a copy of 1,000 small tables sends many events, and copying the whole picture per event would cost more
// than the copy's own bookkeeping. The views read it through the pure formatters in format-progress.ts.
import type { ApplyEvent } from '../../apply/types.js';

export interface TableProgress {
  /** `schema.table` as the engine names it. */
  readonly address: string;
  readonly estimatedBytes: number;
  readonly estimatedRows: number;
  rows: number;
  bytes: number;
  /** Seconds since this table's copy started (from the engine). */
  seconds: number;
  bytesPerSecond: number;
  started: boolean;
  done: boolean;
}

export interface DatabaseProgress {
  readonly database: string;
  readonly tables: TableProgress[];
  /** Clock reading (ms) when the data stage started: the database's elapsed time and overall rate. */
  readonly startedAtMs: number;
  /** Set by copy-done: the engine's own totals. */
  finished: { readonly rows: number; readonly bytes: number; readonly seconds: number } | null;
}

export class ProgressTracker {
  readonly totalSteps: number;
  stepsDone = 0;
  /** Addresses of steps started and not yet done. */
  readonly running = new Set<string>();
  readonly databases: DatabaseProgress[] = [];
  private readonly byAddress = new Map<string, TableProgress>();

  constructor(totalSteps: number, private readonly nowMs: () => number = Date.now) {
    this.totalSteps = totalSteps;
  }

  apply(event: ApplyEvent): void {
    switch (event.type) {
      case 'step-start':
        this.running.add(event.step.address);
        return;
      case 'step-done':
        this.running.delete(event.step.address);
        this.stepsDone++;
        return;
      case 'copy-start': {
        const tables = event.tables.map((t): TableProgress => ({
          address: t.address, estimatedBytes: t.bytes, estimatedRows: t.rows, rows: 0, bytes: 0, seconds: 0, bytesPerSecond: 0, started: false, done: false,
        }));
        this.databases.push({ database: event.database, tables, startedAtMs: this.nowMs(), finished: null });
        for (const t of tables) this.byAddress.set(key(event.database, t.address), t);
        return;
      }
      case 'copy-progress': {
        let t = this.byAddress.get(key(event.database, event.address));
        if (t === undefined) {
          // A table the copy-start did not list (e.g. a leaf partition reported on its own): show it all the same.
          t = { address: event.address, estimatedBytes: 0, estimatedRows: 0, rows: 0, bytes: 0, seconds: 0, bytesPerSecond: 0, started: false, done: false };
          this.databaseNamed(event.database).tables.push(t);
          this.byAddress.set(key(event.database, event.address), t);
        }
        t.rows = event.rows;
        t.bytes = event.bytes;
        t.seconds = event.seconds;
        t.bytesPerSecond = event.bytesPerSecond;
        t.started = true;
        t.done = event.done;
        return;
      }
      case 'copy-done':
        this.databaseNamed(event.database).finished = { rows: event.rows, bytes: event.bytes, seconds: event.seconds };
        return;
      case 'message':
        return;
    }
  }

  /** The table's progress so far (undefined before its database's copy-start or first progress event). */
  table(database: string, address: string): Readonly<TableProgress> | undefined {
    return this.byAddress.get(key(database, address));
  }

  /** Milliseconds since `db`'s data stage started. */
  elapsedMs(db: DatabaseProgress): number {
    return Math.max(0, this.nowMs() - db.startedAtMs);
  }

  private databaseNamed(database: string): DatabaseProgress {
    let db = this.databases.find((d) => d.database === database);
    if (db === undefined) {
      db = { database, tables: [], startedAtMs: this.nowMs(), finished: null };
      this.databases.push(db);
    }
    return db;
  }
}

function key(database: string, address: string): string {
  return `${database}\u0000${address}`;
}
