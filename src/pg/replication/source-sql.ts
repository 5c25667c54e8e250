// Runs replication statements (CREATE/ALTER/DROP PUBLICATION, COMMENT ON PUBLICATION) on one source session.
// Source sessions start READ ONLY (CONTRACTS.md, Sessions); creating replication objects is the allowed exception,
// so this session alone is switched to read-write. Execution and error reporting are executeDdl's: a failure is a
// DdlExecutionError naming the statement, and a transaction's earlier statements are rolled back with it.
import { connect } from '../connect.js';
import type { ConnInfo } from '../conninfo/types.js';
import { closeClient, killClient } from '../copy/close-client.js';
import { executeDdl } from '../ddl/execute.js';
import type { DdlStatement } from '../ddl/types.js';
import { PgreplError } from '../../util/errors.js';
import { READ_WRITE_SQL } from './slot-sql.js';

export interface SourceStatement {
  readonly sql: string;
  /** For error messages (DdlExecutionError.address); default `source`. */
  readonly object?: string;
}

export interface RunSourceStatementsOptions {
  /** Each statement on its own; otherwise all of them in one transaction. */
  readonly autocommit: boolean;
  /** Cuts the session: the server rolls back what is open. */
  readonly signal?: AbortSignal;
}

export async function runSourceStatements(
  source: ConnInfo, database: string, statements: readonly SourceStatement[], opts: RunSourceStatementsOptions,
): Promise<void> {
  if (statements.length === 0) return;
  if (aborted(opts.signal)) throw cancelled(opts.signal as AbortSignal);
  const client = await connect(source, { side: 'source', database });
  const onAbort = (): void => killClient(client);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await client.query(READ_WRITE_SQL);
    const ddl: DdlStatement[] = statements.map((s) => ({
      sql: s.sql, transactional: !opts.autocommit, phase: 'post-data', object: s.object ?? 'source',
    }));
    await executeDdl(client, ddl);
  } catch (e) {
    if (aborted(opts.signal)) throw cancelled(opts.signal as AbortSignal, e);
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await closeClient(client);
  }
}

/** A function, not an inline test: TypeScript would keep the narrowing of the first check across awaits. */
function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function cancelled(signal: AbortSignal, cause: unknown = signal.reason): PgreplError {
  return new PgreplError('source statements cancelled', { cause });
}
