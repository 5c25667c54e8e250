// A batch of small tables in one round trip per side: the source runs `COPY a TO STDOUT; COPY b TO STDOUT; …` and
// the target `COPY a FROM STDIN; COPY b FROM STDIN; …`, each as one simple-protocol query, inside the unit's
// transactions the caller opened (the source's snapshot, the target's load transaction). PostgreSQL runs the COPYs
// of such a query one after another; each table's rows go to the target as soon as its COPY asks for them. Per table
// this saves the two queries' round trips and the stream set-up: on 1,000 tables of 10 rows the copy spent ~3 ms a
// table waiting on them (bench/README.md), for ~1 kB of rows.
//
// The source's rows of table i are everything between the (i-1)th and the ith CommandComplete. They are held (as
// copies: pg's parser reuses its buffer) until the target's COPY of table i starts, and the source's socket is
// paused while more than MAX_HELD_BYTES wait, so memory stays bounded whatever a "small" table has grown to.
// Each table's row count must be the same on both sides (the command tags), or the batch fails.
// Errors: a source error makes the target's COPY in progress fail (CopyFail) and is the cause; a target error ends
// the target's query (the server skips its remaining COPYs), the source's rows are then dropped. Either way the
// error names the table it happened in and the caller's transaction is left to roll back.
import type pg from 'pg';
import { CopyError, rowCountMismatch } from './copy-error.js';
import { copyInSql, copyOutSql, tableAddress } from './copy-sql.js';
import type { CopyFormat, CopyTable } from './types.js';

export interface BatchItem {
  readonly table: CopyTable;
  readonly format: CopyFormat;
}

export interface BatchItemResult {
  readonly rows: number;
  readonly bytes: number;
}

/** Held source bytes above which the source's socket is paused until the target took them. */
export const MAX_HELD_BYTES = 8 * 1_048_576;

/** The part of pg's Connection a submittable talks to. */
interface Connection {
  readonly stream: NodeJS.ReadableStream & NodeJS.WritableStream;
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
}

const copyCount = (msg: { readonly text?: string } | undefined): number | null => {
  const m = /^COPY (\d+)$/.exec(msg?.text ?? '');
  return m === null ? null : Number(m[1]);
};

/** One multi-statement query, settled on ReadyForQuery, or on ErrorResponse (pg then hands nothing more to it). */
abstract class BatchQuery {
  private settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  readonly done: Promise<void>;
  connection: Connection | undefined;

  constructor(readonly text: string) {
    this.done = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }

  submit(connection: Connection): void {
    this.connection = connection;
    connection.query(this.text);
  }

  /** pg overwrites this with its query_timeout mechanism when one is configured. */
  callback(): void {}

  handleError(error: unknown): void {
    this.callback();
    this.failed(error);
    this.settle?.reject(error);
  }

  handleReadyForQuery(): void {
    this.callback();
    this.settle?.resolve();
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handleCopyInResponse(): void {}
  handleCopyData(_msg: { readonly chunk: Buffer }): void {}
  handleCommandComplete(msg: { readonly text?: string }): void {
    this.completed(msg);
  }

  protected abstract completed(msg: { readonly text?: string }): void;
  protected abstract failed(error: unknown): void;
}

class SourceQuery extends BatchQuery {
  constructor(text: string, private readonly bridge: Bridge) {
    super(text);
  }

  override handleCopyData(msg: { readonly chunk: Buffer }): void {
    this.bridge.sourceData(msg.chunk);
  }

  protected completed(msg: { readonly text?: string }): void {
    this.bridge.sourceEnd(copyCount(msg));
  }

  protected failed(error: unknown): void {
    this.bridge.sourceFailed(error);
  }
}

class TargetQuery extends BatchQuery {
  constructor(text: string, private readonly bridge: Bridge) {
    super(text);
  }

  override handleCopyInResponse(): void {
    this.bridge.targetReady();
  }

  protected completed(msg: { readonly text?: string }): void {
    this.bridge.targetEnd(copyCount(msg));
  }

  protected failed(error: unknown): void {
    this.bridge.targetFailed(error);
  }
}

/** Moves each table's source rows into the target's COPY of it, in order. */
class Bridge {
  /** Table whose rows the source is sending, and the one whose COPY the target runs (-1: none yet). */
  private sourceAt = 0;
  private targetAt = -1;
  private targetInCopy = false;
  private readonly held: Buffer[][];
  private readonly ended: boolean[];
  private heldBytes = 0;
  private paused = false;
  private awaitingDrain = false;
  readonly sourceRows: (number | null)[] = [];
  readonly targetRows: (number | null)[] = [];
  readonly bytes: number[];
  source: SourceQuery | undefined;
  target: TargetQuery | undefined;
  sourceError: { readonly at: number; readonly error: unknown } | undefined;
  targetError: { readonly at: number; readonly error: unknown } | undefined;

  constructor(private readonly count: number) {
    this.held = Array.from({ length: count }, () => []);
    this.ended = Array.from({ length: count }, () => false);
    this.bytes = Array.from({ length: count }, () => 0);
  }

  sourceData(chunk: Buffer): void {
    if (this.targetError !== undefined || this.sourceAt >= this.count) return;
    this.bytes[this.sourceAt] = (this.bytes[this.sourceAt] ?? 0) + chunk.length;
    (this.held[this.sourceAt] as Buffer[]).push(Buffer.from(chunk));
    this.heldBytes += chunk.length;
    if (this.sourceAt === this.targetAt && this.targetInCopy) this.flush();
    else this.updateFlow();
  }

  sourceEnd(rows: number | null): void {
    this.sourceRows.push(rows);
    // Every statement of the source's query is one of our COPYs; anything else would shift the tables.
    if (rows === null && this.sourceError === undefined) this.sourceFailed(new Error('the source answered a batch COPY with something other than COPY n'));
    this.ended[this.sourceAt] = true;
    if (this.sourceAt === this.targetAt && this.targetInCopy) this.finishTargetTable();
    this.sourceAt += 1;
  }

  sourceFailed(error: unknown): void {
    this.sourceError = { at: this.sourceAt, error };
    // The target waits in a COPY for rows that will not come: fail it (if it is not in one yet, targetReady does).
    if (this.targetInCopy) this.failTarget();
  }

  targetReady(): void {
    this.targetAt += 1;
    this.targetInCopy = true;
    if (this.sourceError !== undefined && this.sourceError.at <= this.targetAt) {
      this.failTarget();
      return;
    }
    this.flush();
    if (this.ended[this.targetAt] === true) this.finishTargetTable();
  }

  targetEnd(rows: number | null): void {
    this.targetRows.push(rows);
  }

  targetFailed(error: unknown): void {
    this.targetError = { at: Math.max(0, this.targetAt), error };
    this.targetInCopy = false;
    for (const list of this.held) list.length = 0;
    this.heldBytes = 0;
    // Whatever the source still sends is dropped: let it run to its end.
    if (this.paused) {
      this.paused = false;
      this.source?.connection?.stream.resume();
    }
  }

  private failTarget(): void {
    this.targetInCopy = false;
    this.target?.connection?.sendCopyFail('pgrepl: the source failed during the batch');
  }

  private flush(): void {
    const list = this.held[this.targetAt];
    if (list !== undefined && list.length > 0) {
      const chunk = list.length === 1 ? (list[0] as Buffer) : Buffer.concat(list);
      list.length = 0;
      this.heldBytes -= chunk.length;
      this.target?.connection?.sendCopyFromChunk(chunk);
    }
    this.updateFlow();
  }

  /**
   * Pauses the source's socket while more than MAX_HELD_BYTES wait here or in the target's socket, resumes it once
   * half of that is left here and the target's socket took its share ('drain').
   */
  private updateFlow(): void {
    const stream = this.target?.connection?.stream as { writableLength?: number; once?: (e: string, f: () => void) => void } | undefined;
    const unsent = stream?.writableLength ?? 0;
    if (this.heldBytes > MAX_HELD_BYTES || unsent > MAX_HELD_BYTES) {
      if (!this.paused) {
        this.paused = true;
        this.source?.connection?.stream.pause();
      }
      if (unsent > MAX_HELD_BYTES && !this.awaitingDrain && stream?.once !== undefined) {
        this.awaitingDrain = true;
        stream.once('drain', () => {
          this.awaitingDrain = false;
          this.updateFlow();
        });
      }
      return;
    }
    if (this.paused && this.heldBytes <= MAX_HELD_BYTES / 2) {
      this.paused = false;
      this.source?.connection?.stream.resume();
    }
  }

  private finishTargetTable(): void {
    this.targetInCopy = false;
    this.target?.connection?.endCopyFrom();
  }
}

/**
 * Copies the items with one query per side on the given sessions; both must be idle, the source inside its snapshot
 * transaction, the target inside the unit's load transaction. Returns each table's rows (the target's tag) and bytes.
 */
export async function copyBatch(source: pg.Client, target: pg.Client, items: readonly BatchItem[]): Promise<BatchItemResult[]> {
  const bridge = new Bridge(items.length);
  const sourceQuery = new SourceQuery(items.map((i) => copyOutSql(i.table, i.format)).join(';\n'), bridge);
  const targetQuery = new TargetQuery(items.map((i) => copyInSql(i.table, i.format)).join(';\n'), bridge);
  bridge.source = sourceQuery;
  bridge.target = targetQuery;
  const address = (at: number): string => tableAddress((items[Math.min(at, items.length - 1)] as BatchItem).table);
  // pg takes any object with submit() as a query (and hands it back); its typings only know its own classes.
  const submit = (client: pg.Client, q: BatchQuery): void => {
    (client as unknown as { query(q: BatchQuery): unknown }).query(q);
  };
  submit(target, targetQuery);
  submit(source, sourceQuery);
  const [s, t] = await Promise.allSettled([sourceQuery.done, targetQuery.done]);
  if (bridge.sourceError !== undefined) throw new CopyError(address(bridge.sourceError.at), 'source', bridge.sourceError.error);
  if (bridge.targetError !== undefined) throw new CopyError(address(bridge.targetError.at), 'target', bridge.targetError.error);
  if (s.status === 'rejected') throw new CopyError(address(0), 'source', s.reason);
  if (t.status === 'rejected') throw new CopyError(address(0), 'target', t.reason);
  return items.map((item, i) => {
    const from = bridge.sourceRows[i];
    const into = bridge.targetRows[i];
    if (from === undefined || from === null || into === undefined || into === null || from !== into) throw rowCountMismatch(tableAddress(item.table), from, into);
    return { rows: into, bytes: bridge.bytes[i] ?? 0 };
  });
}
