// CREATE SUBSCRIPTION on the target, with its pgrepl comment, in one transaction (create_slot = false lets it run in
// a transaction block): a crash between the two cannot leave an unmarked subscription, and a rerun that finds the
// subscription already marked with this comment is done. The conninfo may hold the source's password: it is never
// logged, and every text of an error (message, detail, hint, statement) is redacted before it leaves this file.
import type pg from 'pg';
import { PgreplError, asError } from '../../util/errors.js';
import { redactSecrets } from '../catalog/validate/probe-error.js';
import { connect } from '../connect.js';
import { tokenizeKeyValue } from '../conninfo/parse-key-value.js';
import type { ConnInfo } from '../conninfo/types.js';
import { closeClient, killClient } from '../copy/close-client.js';
import type { CreateSubscriptionOperation } from '../../plan/types.js';
import { commentOnSubscriptionSql, createSubscriptionSql, redactedCreateSubscriptionSql } from './subscription-sql.js';

/** A refused CREATE SUBSCRIPTION, with the server's fields (for src/cli/server-error.ts), all redacted. */
export class SubscriptionError extends PgreplError {
  readonly code?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly statement: string;
  readonly address: string;
  constructor(message: string, fields: { code?: string; detail?: string; hint?: string; statement: string; address: string }) {
    super(message);
    this.name = 'SubscriptionError';
    if (fields.code !== undefined) this.code = fields.code;
    if (fields.detail !== undefined) this.detail = fields.detail;
    if (fields.hint !== undefined) this.hint = fields.hint;
    this.statement = fields.statement;
    this.address = fields.address;
  }
}

const EXISTING_COMMENT_SQL = `SELECT pg_catalog.obj_description(s.oid, 'pg_subscription') AS comment
  FROM pg_catalog.pg_subscription s
 WHERE s.subname = $1 AND s.subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())`;

export async function createSubscription(
  target: ConnInfo, database: string, op: CreateSubscriptionOperation, conninfo: string, signal?: AbortSignal,
): Promise<void> {
  const secrets = conninfoPasswords(conninfo);
  const flags = { copyData: op.copyData, enabled: op.enabled };
  const sql = createSubscriptionSql(op.subscription, conninfo, op.publication, op.slot, op.options, flags);
  const shown = redactedCreateSubscriptionSql(op.subscription, conninfo, op.publication, op.slot, op.options, flags);
  const address = `subscription:${op.subscription}`;
  if (signal?.aborted === true) throw new PgreplError(`creating subscription ${op.subscription} was cancelled`);
  const client = await connect(target, { side: 'target', database });
  const onAbort = (): void => killClient(client);
  signal?.addEventListener('abort', onAbort, { once: true });
  let current = shown;
  try {
    await client.query('BEGIN');
    await client.query(sql);
    current = commentOnSubscriptionSql(op.subscription, op.comment);
    await client.query(current);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (isAborted(signal)) throw new PgreplError(`creating subscription ${op.subscription} was cancelled`);
    if ((e as { code?: unknown }).code === '42710' && (await isOurs(client, op))) return;
    throw redactedError(e, secrets, current, address, op.subscription);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await closeClient(client);
  }
}

/** A function, so TypeScript does not carry the first check's narrowing past the awaits. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** The subscription exists and carries this plan's comment: an earlier run created it. */
async function isOurs(client: pg.Client, op: CreateSubscriptionOperation): Promise<boolean> {
  const row = (await client.query<{ comment: string | null }>(EXISTING_COMMENT_SQL, [op.subscription]).catch(() => ({ rows: [] }))).rows[0];
  return row !== undefined && row.comment === op.comment;
}

/** The password values in a key=value conninfo (a URL's are caught by redactSecrets' patterns). */
function conninfoPasswords(conninfo: string): string[] {
  try {
    return tokenizeKeyValue(conninfo).filter((e) => e.key === 'password').map((e) => e.value);
  } catch {
    return [];
  }
}

function text(e: unknown, key: string): string | undefined {
  const v = (e as Record<string, unknown>)[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

// The original error is not kept as `cause`: its fields may echo the connection string.
function redactedError(e: unknown, secrets: readonly string[], statement: string, address: string, name: string): SubscriptionError {
  const clean = (s: string | undefined): string | undefined => (s === undefined ? undefined : redactSecrets(s, secrets));
  const err = asError(e);
  const code = text(err, 'code');
  const detail = clean(text(err, 'detail'));
  const hint = clean(text(err, 'hint'));
  return new SubscriptionError(`could not create subscription ${name}: ${clean(err.message) ?? ''}`, {
    ...(code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? { code } : {}),
    ...(detail === undefined ? {} : { detail }),
    ...(hint === undefined ? {} : { hint }),
    statement: redactSecrets(statement, secrets),
    address,
  });
}
