// One table's check: its key's chunk boundaries from the source in one pass, the chosen chunks compared over the
// session pool (parallel with other chunks and tables), differing chunks drilled down to keys. A keyless table is
// one whole-table count and hash (no drill-down). Errors end this table's check only (outcome `error`).
import type { VerifySession } from '../pg/verify/verify-session.js';
import type { KeyRange, VerifyKeyColumn, VerifyTableSql } from '../pg/verify/verify-sql.js';
import { asError } from '../util/errors.js';
import { CHUNK_ROWS, INTEGER_KEY_TYPES, LEAF_ROWS, chunkCountEstimate, chunkRanges, integerBoundaries, sampleChunks } from './chunk-plan.js';
import { compareRange, drillDown, type DrillOutcome, type RangeResult, type SidePair } from './compare-range.js';
import { DifferenceCollector } from './diff-row-hashes.js';
import type { SessionPool } from './session-pool.js';
import type { TableOutcome, TableReport } from './types.js';

export interface VerifyPair {
  readonly source: VerifySession;
  readonly target: VerifySession;
  readonly catchUp: (() => Promise<void>) | null;
}

export interface TableJob {
  /** `schema.name`, quoted like SQL. */
  readonly display: string;
  readonly schema: string;
  readonly name: string;
  readonly only: boolean;
  readonly columns: readonly string[];
  /** Key columns with their types; null for a keyless table. */
  readonly key: readonly { readonly name: string; readonly type: string }[] | null;
  readonly filter: string | null;
  readonly notes: readonly string[];
  /** The catalog's row estimate (reltuples), null or <= 0 when unknown. */
  readonly rowEstimate?: number | null;
  /** Set when the table cannot be checked at all (missing on the target, no anchored window, …). */
  readonly error?: string;
}

export interface TableCheckOptions {
  readonly samplePercent: number | null;
  readonly chunkRows?: number;
  readonly leafRows?: number;
  /** A full check starts with one whole-table pass and stops there when it is equal (default true). */
  readonly wholeTableFirst?: boolean;
}

export const NO_KEY_NOTE = 'no key: whole-table count and hash, no drill-down';

function bind(pair: VerifyPair, sql: VerifyTableSql): SidePair {
  const side = (s: VerifySession): SidePair['source'] => ({
    hash: (r) => s.hash(sql, r),
    keyAt: (r, o) => s.keyAt(sql, r, o),
    rowHashes: (r) => s.rowHashes(sql, r),
  });
  return { source: side(pair.source), target: side(pair.target), catchUp: pair.catchUp };
}

/** `pool` may be null only for a job that carries its error (nothing to read). */
export async function verifyTable(job: TableJob, pool: SessionPool<VerifyPair> | null, opts: TableCheckOptions): Promise<TableReport> {
  const started = Date.now();
  const notes = [...job.notes];
  const base = { table: job.display, key: job.key?.map((k) => k.name) ?? null, filter: job.filter };
  const seconds = (): number => Math.round((Date.now() - started) / 10) / 100;
  if (job.error !== undefined) {
    return { ...base, rows: { source: 0, target: 0 }, chunks: { total: 0, checked: 0, differing: 0 }, outcome: 'error', differences: null, notes, error: job.error, seconds: seconds() };
  }
  if (pool === null) throw new Error('internal error: a table check without sessions');
  try {
    const plain: VerifyTableSql = { schema: job.schema, name: job.name, only: job.only, columns: job.columns, key: null, filter: job.filter };
    if (job.key === null) {
      const r = await pool.use((pair) => compareRange(bind(pair, plain), null));
      notes.push(NO_KEY_NOTE);
      return {
        ...base, rows: { source: r.source.rows, target: r.target.rows }, chunks: { total: 1, checked: 1, differing: r.verdict === 'equal' ? 0 : 1 },
        outcome: r.verdict, differences: null, notes, error: null, seconds: seconds(),
      };
    }
    // A full check starts with ONE whole-table count and hash per side (a sequential scan each, parallel where the
    // server allows, no boundary pass): most tables are equal, and then that is all. Only a table that differs (or
    // moved while streaming) is cut into key ranges and drilled down. Measured by bench:verify: the per-chunk range
    // reads and the boundary pass were what made verify slower than one pass per side.
    if (opts.samplePercent === null && opts.wholeTableFirst !== false) {
      const whole = await pool.use((pair) => compareRange(bind(pair, plain), null));
      if (whole.verdict === 'equal') {
        return {
          ...base, rows: { source: whole.source.rows, target: whole.target.rows }, chunks: { total: 1, checked: 1, differing: 0 },
          outcome: 'equal', differences: null, notes, error: null, seconds: seconds(),
        };
      }
    }
    const keyCols = job.key;
    const { sql, boundaries } = await pool.use(async (pair) => {
      const collatable = await pair.source.collatable(job.schema, job.name);
      const key: VerifyKeyColumn[] = keyCols.map((k) => ({ ...k, collatable: collatable.get(k.name) === true }));
      const s: VerifyTableSql = { ...plain, key };
      const chunkRows = opts.chunkRows ?? CHUNK_ROWS;
      const estimated = chunkCountEstimate(job.rowEstimate ?? null, chunkRows);
      // An integer key with a known size: boundaries from min and max (the index), no pass over every key.
      if (estimated !== null && key.length === 1 && INTEGER_KEY_TYPES.has((key[0] as VerifyKeyColumn).type)) {
        if (estimated === 1) return { sql: s, boundaries: [] };
        const mm = await pair.source.keyMinMax(s);
        return { sql: s, boundaries: mm === null ? [] : integerBoundaries(BigInt(mm[0]), BigInt(mm[1]), estimated) };
      }
      return { sql: s, boundaries: await pair.source.boundaries(s, chunkRows) };
    });
    const ranges = chunkRanges(boundaries);
    const picked = sampleChunks(ranges.length, opts.samplePercent);
    if (opts.samplePercent !== null) notes.push(`sampled ${picked.length} of ${ranges.length} chunk${ranges.length === 1 ? '' : 's'}`);
    const collector = new DifferenceCollector();
    const drill: DrillOutcome = { changedDuringCheck: false };
    const results: RangeResult[] = await Promise.all(picked.map((i) => pool.use(async (pair) => {
      const range = ranges[i] as KeyRange;
      const bound = bind(pair, sql);
      const r = await compareRange(bound, range);
      if (r.verdict === 'equal') return r;
      // A chunk that moved while streaming is drilled down too: re-checking must never hide a difference inside a
      // busy chunk. The keys that differed at every listing while their source rows stood still decide.
      const keys = new DifferenceCollector();
      await drillDown(bound, range, r, keys, drill, opts.leafRows ?? LEAF_ROWS);
      collector.absorb(keys);
      if (keys.total > 0) return { ...r, verdict: 'different' as const };
      // No key that stays different: the stream caught up or rows moved under the check. No verdict, not a difference.
      if (pair.catchUp !== null) return { ...r, verdict: 'changed-during-check' as const };
      return r;
    })));
    const differing = results.filter((r) => r.verdict === 'different').length;
    const moved = drill.changedDuringCheck || results.some((r) => r.verdict === 'changed-during-check');
    const outcome: TableOutcome = differing > 0 ? 'different' : moved ? 'changed-during-check' : 'equal';
    if (differing > 0 && moved) notes.push('part of the table changed while it was checked (streaming): listed keys are those that differed at every check');
    return {
      ...base,
      rows: { source: results.reduce((n, r) => n + r.source.rows, 0), target: results.reduce((n, r) => n + r.target.rows, 0) },
      chunks: { total: ranges.length, checked: picked.length, differing },
      outcome, differences: differing > 0 ? collector.result() : null, notes, error: null, seconds: seconds(),
    };
  } catch (e) {
    return { ...base, rows: { source: 0, target: 0 }, chunks: { total: 0, checked: 0, differing: 0 }, outcome: 'error', differences: null, notes, error: asError(e).message, seconds: seconds() };
  }
}
