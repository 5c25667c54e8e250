// Copy throughput sampled on the source when plan asks for it: one short binary COPY of the largest table the
// role may read among the selected databases (src/pg/catalog/actual/sample-throughput.ts). A failed sample is a
// note (ActualState.sampleError), not a failed plan: the estimate is only an estimate.
import type { SourceDatabaseRead } from '../pg/catalog/actual/read-io.js';
import { BINARY_COPY_OVERHEAD_BYTES, sampleCopyThroughput } from '../pg/catalog/actual/sample-throughput.js';
import type { ConnInfo } from '../pg/conninfo/types.js';
import { quoteQualified } from '../pg/sql/quote.js';
import { asError } from '../util/errors.js';
import type { Throughput } from './types.js';

export interface SampleOutcome {
  readonly throughput: Throughput | null;
  readonly error?: string;
}

/** `2.1 MB in 0.30 s`: MB = 1024², as pg_size_pretty and the plan's sizes count. */
export function sampleBasis(bytes: number, seconds: number): string {
  return `sampled from the source (${(bytes / 1024 / 1024).toFixed(1)} MB in ${seconds.toFixed(2)} s)`;
}

export async function sampleThroughput(
  ci: ConnInfo,
  databases: readonly { readonly database: string; readonly read: SourceDatabaseRead }[],
  env: NodeJS.ProcessEnv,
): Promise<SampleOutcome> {
  let best: { database: string; schema: string; name: string; bytes: number } | undefined;
  for (const d of databases) {
    const top = d.read.sampleCandidates[0];
    if (top !== undefined && (best === undefined || top.bytes > best.bytes)) best = { database: d.database, ...top };
  }
  if (best === undefined) return { throughput: null };
  try {
    const s = await sampleCopyThroughput(ci, best.database, best, { env });
    // Only the header and trailer: the table is empty after all (its pages hold dead rows).
    if (s.bytes <= BINARY_COPY_OVERHEAD_BYTES || s.seconds <= 0) return { throughput: null };
    return { throughput: { bytesPerSecond: s.bytes / s.seconds, basis: sampleBasis(s.bytes, s.seconds) } };
  } catch (e) {
    return {
      throughput: null,
      error: `could not sample copy throughput on ${best.database}.${quoteQualified(best.schema, best.name)}: ${asError(e).message}`,
    };
  }
}
