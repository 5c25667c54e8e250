// A short read of one source table to estimate copy throughput when no earlier apply measured one: COPY … TO
// STDOUT (FORMAT binary), the form the copy engine mostly uses, for at most SAMPLE_MAX_MS or SAMPLE_MAX_BYTES.
// Read-only (a source session, READ ONLY by default) and on a session of its own, which is closed at the end: when
// the read is cut short the socket is destroyed, and the server ends that backend when its next write fails.
import copyStreams from 'pg-copy-streams';
import { asError } from '../../../util/errors.js';
import { connect } from '../../connect.js';
import type { ConnInfo } from '../../conninfo/types.js';
import { closeClient, killClient } from '../../copy/close-client.js';
import { quoteQualified } from '../../sql/quote.js';

export const SAMPLE_MAX_MS = 300;
export const SAMPLE_MAX_BYTES = 64 * 1024 * 1024;
/** The binary COPY header (19 bytes) and trailer (2): what an empty table yields. */
export const BINARY_COPY_OVERHEAD_BYTES = 21;

export interface ThroughputSample {
  readonly bytes: number;
  readonly seconds: number;
  /** The whole table was read before a limit was reached. */
  readonly complete: boolean;
}

export function sampleCopySql(schema: string, name: string): string {
  return `COPY (SELECT * FROM ONLY ${quoteQualified(schema, name)}) TO STDOUT (FORMAT binary)`;
}

export async function sampleCopyThroughput(
  ci: ConnInfo,
  database: string,
  table: { readonly schema: string; readonly name: string },
  opts: { readonly maxMs?: number; readonly maxBytes?: number; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<ThroughputSample> {
  const maxMs = opts.maxMs ?? SAMPLE_MAX_MS;
  const maxBytes = opts.maxBytes ?? SAMPLE_MAX_BYTES;
  const client = await connect(ci, { side: 'source', database, ...(opts.env ? { env: opts.env } : {}) });
  const started = performance.now();
  const stream = client.query(copyStreams.to(sampleCopySql(table.schema, table.name)));
  let bytes = 0;
  let cut = false;
  try {
    const complete = await new Promise<boolean>((resolve, reject) => {
      const stop = (): void => {
        if (cut) return;
        cut = true;
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(stop, maxMs);
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes >= maxBytes || performance.now() - started >= maxMs) stop();
      });
      stream.on('end', () => {
        clearTimeout(timer);
        if (!cut) resolve(true);
      });
      stream.on('error', (e: unknown) => {
        clearTimeout(timer);
        if (!cut) reject(asError(e));
      });
    });
    const seconds = (performance.now() - started) / 1000;
    return { bytes, seconds, complete };
  } finally {
    if (cut) {
      // Mid-COPY the session cannot take another statement: drop the socket rather than wait for the rest.
      stream.destroy();
      killClient(client);
    } else {
      await closeClient(client);
    }
  }
}
