// The large objects of one database, at the end of its data stage (inside the copy's snapshot, so they are consistent
// with the rows that refer to them): the resource is recorded `copying` with every oid before the first write, the
// objects are unlinked and copied (src/pg/large-objects), then recorded `copied`. The step itself is finished with the
// rest of the data stage; a destroy's unlink-only operation records nothing here (its delete forgets the resource).
import { largeObjectsFault } from '../pg/copy/fault.js';
import type { ConnInfo } from '../pg/conninfo/types.js';
import { copyLargeObjects } from '../pg/large-objects/copy-large-objects.js';
import { formatBytes } from '../render/human-units.js';
import type { LargeObjectsItem } from './schedule.js';
import { largeObjectsCopied, largeObjectsCopying } from './state-records.js';
import type { StepBook } from './step-book.js';

const PROGRESS_EVERY_MS = 10_000;

export interface LargeObjectsStageInput {
  readonly item: LargeObjectsItem;
  readonly book: StepBook;
  readonly source: ConnInfo;
  readonly target: ConnInfo;
  /** The spec's database key (the source database) and the target database. */
  readonly key: string;
  readonly targetDatabase: string;
  readonly snapshotId: string | null;
  readonly env: NodeJS.ProcessEnv;
}

export async function runLargeObjectsStage(input: LargeObjectsStageInput): Promise<{ readonly count: number; readonly bytes: number }> {
  const { item, book, key } = input;
  const { step, op } = item;
  book.start(step);
  const fault = largeObjectsFault(input.env);
  const total = op.estimate.rows;
  let lastReport = performance.now();
  const result = await copyLargeObjects({
    source: input.source, target: input.target, sourceDatabase: key, targetDatabase: input.targetDatabase,
    snapshotId: op.copy ? input.snapshotId : null, unlink: op.unlink, copy: op.copy, roles: op.roles,
    beforeWrite: async (oids) => {
      if (op.copy) await book.writer.update((state) => largeObjectsCopying(state, step, oids, book.now().toISOString()));
    },
    warn: (text) => book.emit({ type: 'message', level: 'warning', text: `${key}: ${text}` }),
    // A line every PROGRESS_EVERY_MS: gigabytes of large objects take minutes, and the table view does not show them.
    onProgress: (done) => {
      if (performance.now() - lastReport < PROGRESS_EVERY_MS) return;
      lastReport = performance.now();
      book.emit({ type: 'message', level: 'info', text: `${key}: large objects ${done.count.toLocaleString('en-US')} of ~${total.toLocaleString('en-US')} copied (${formatBytes(done.bytes)})` });
    },
    ...(book.signal === undefined ? {} : { signal: book.signal }),
    ...(fault === undefined ? {} : { fault }),
  });
  if (op.copy) {
    await book.writer.update((state) => largeObjectsCopied(state, step, { ...result, snapshot: input.snapshotId ?? '' }, book.now().toISOString()));
    book.emit({
      type: 'message', level: 'info',
      text: `${key}: ${result.count} large object(s) copied (${formatBytes(result.bytes)}) in ${result.seconds.toFixed(1)} s${result.unlinked > 0 ? `, ${result.unlinked} unlinked first` : ''}`,
    });
  } else {
    book.emit({ type: 'message', level: 'info', text: `${key}: ${result.unlinked} large object(s) unlinked` });
  }
  return { count: result.count, bytes: result.bytes };
}
