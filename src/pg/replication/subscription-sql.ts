// Pure builders for the target's subscription (facts file, "Subscription options"). The engine fixes create_slot =
// false (pgrepl makes the slot itself, so the copy and the stream share one snapshot), slot_name, copy_data and
// enabled; the spec's options follow. The CONNECTION string may hold a password: previews use the redacted builder,
// and nothing here logs.
import { PgreplError } from '../../util/errors.js';
import { redactedConninfo } from '../conninfo/redact.js';
import type { DdlStatement } from '../ddl/types.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { checkReplicationName } from './names.js';

export type SubscriptionOptionValue = string | boolean;
export type SubscriptionOptions = Readonly<Record<string, SubscriptionOptionValue>>;

export interface CreateSubscriptionFlags {
  readonly copyData: boolean;
  readonly enabled: boolean;
}

/** Options the engine sets itself; a spec that names them is a planner bug. */
const FIXED_OPTIONS: ReadonlySet<string> = new Set(['create_slot', 'slot_name', 'copy_data', 'enabled', 'connect']);
const OPTION_NAME = /^[a-z_]+$/;

function sub(name: string): string {
  return quoteIdent(checkReplicationName('subscription', name));
}

function optionList(options: SubscriptionOptions, refuseFixed: boolean): string[] {
  return Object.keys(options).sort().map((key) => {
    if (!OPTION_NAME.test(key)) throw new PgreplError(`internal error: invalid subscription option name ${JSON.stringify(key)}`);
    if (refuseFixed && FIXED_OPTIONS.has(key)) throw new PgreplError(`internal error: the subscription option ${key} is set by pgrepl itself`);
    const value = options[key] as SubscriptionOptionValue;
    return `${key} = ${typeof value === 'boolean' ? String(value) : quoteLiteral(value)}`;
  });
}

function createSql(
  name: string, conninfoText: string, publication: string, slot: string, options: SubscriptionOptions, flags: CreateSubscriptionFlags,
): string {
  const fixed = [
    'create_slot = false',
    `slot_name = ${quoteLiteral(checkReplicationName('slot', slot))}`,
    `copy_data = ${String(flags.copyData)}`,
    `enabled = ${String(flags.enabled)}`,
  ];
  return (
    `CREATE SUBSCRIPTION ${sub(name)} CONNECTION ${quoteLiteral(conninfoText)} ` +
    `PUBLICATION ${quoteIdent(checkReplicationName('publication', publication))} ` +
    `WITH (${[...fixed, ...optionList(options, true)].join(', ')})`
  );
}

/** The statement the engine runs; holds the conninfo as given (maybe with a password): never print it. */
export function createSubscriptionSql(
  name: string, conninfo: string, publication: string, slot: string, options: SubscriptionOptions, flags: CreateSubscriptionFlags,
): string {
  return createSql(name, conninfo, publication, slot, options, flags);
}

/** The same statement for plans and logs: `password=<redacted>` (CONTRACTS.md, Secrets). */
export function redactedCreateSubscriptionSql(
  name: string, conninfo: string, publication: string, slot: string, options: SubscriptionOptions, flags: CreateSubscriptionFlags,
): string {
  return createSql(name, redactedConninfo(conninfo), publication, slot, options, flags);
}

export function commentOnSubscriptionSql(name: string, text: string): string {
  return `COMMENT ON SUBSCRIPTION ${sub(name)} IS ${quoteLiteral(text)}`;
}

/** ALTER SUBSCRIPTION … SET (…). Whether each option may change in place is subscriptionOptionSupport()'s answer. */
export function alterSubscriptionOptionsSql(name: string, options: SubscriptionOptions): string {
  const list = optionList(options, false);
  if (list.length === 0) throw new PgreplError('internal error: ALTER SUBSCRIPTION SET without options');
  return `ALTER SUBSCRIPTION ${sub(name)} SET (${list.join(', ')})`;
}

export function enableSql(name: string): string {
  return `ALTER SUBSCRIPTION ${sub(name)} ENABLE`;
}

export function disableSql(name: string): string {
  return `ALTER SUBSCRIPTION ${sub(name)} DISABLE`;
}

/** Cannot run inside a transaction block: an SqlOperation with `autocommit`. */
export function refreshPublicationSql(name: string, copyData: boolean): string {
  return `ALTER SUBSCRIPTION ${sub(name)} REFRESH PUBLICATION WITH (copy_data = ${String(copyData)})`;
}

/**
 * Target statements for an SqlOperation (object `subscription:<name>`). `autocommit`: each runs on its own, which
 * executeDdl (ApplySession.runDdl) does for `transactional: false`; REFRESH PUBLICATION needs it.
 */
export function subscriptionStatements(name: string, sqls: readonly string[], opts: { readonly autocommit: boolean }): readonly DdlStatement[] {
  const object = `subscription:${checkReplicationName('subscription', name)}`;
  return sqls.map((sql) => ({ sql, transactional: !opts.autocommit, phase: 'post-data', object }));
}

/**
 * Disable, detach from the slot, drop: DROP SUBSCRIPTION of an attached subscription connects to the source to drop
 * the slot and fails when it cannot, so the slot is let go first and dropped on the source separately (drop-slot).
 * Each statement runs on its own (autocommit). The subscription must exist: ALTER SUBSCRIPTION has no IF EXISTS.
 */
export function detachAndDropStatements(name: string): readonly DdlStatement[] {
  return subscriptionStatements(name, [
    disableSql(name),
    `ALTER SUBSCRIPTION ${sub(name)} SET (slot_name = NONE)`,
    `DROP SUBSCRIPTION ${sub(name)}`,
  ], { autocommit: true });
}

export type AlterInPlace = 'yes' | 'while-disabled' | 'no';

export interface OptionSupport {
  /** The subscriber accepts the option (CREATE fails otherwise). */
  readonly supported: boolean;
  /** It changes anything: an older publisher silently ignores some options. */
  readonly effective: boolean;
  readonly alterInPlace: AlterInPlace;
  readonly note?: string;
}

interface OptionRule {
  readonly subscriber: number;
  /** The publisher major the option needs to take effect. */
  readonly publisher?: number;
  /** true: an older publisher ignores it silently; false: it refuses it. */
  readonly ignoredByOlder?: boolean;
  readonly alter: (subscriberMajor: number) => AlterInPlace;
  readonly note?: string;
}

const always = (a: AlterInPlace) => (): AlterInPlace => a;

// The facts file's table (seen on 13–18 servers).
const RULES: Readonly<Record<string, OptionRule>> = {
  copy_data: { subscriber: 10, alter: always('no'), note: 'used at creation and by REFRESH PUBLICATION only' },
  create_slot: { subscriber: 10, alter: always('no') },
  connect: { subscriber: 10, alter: always('no') },
  enabled: { subscriber: 10, alter: always('yes'), note: 'changed with ALTER SUBSCRIPTION … ENABLE/DISABLE' },
  slot_name: { subscriber: 10, alter: always('while-disabled') },
  synchronous_commit: { subscriber: 10, alter: always('yes') },
  binary: { subscriber: 14, publisher: 14, ignoredByOlder: true, alter: always('yes') },
  streaming: { subscriber: 14, publisher: 14, ignoredByOlder: true, alter: always('yes') },
  disable_on_error: { subscriber: 15, alter: always('yes') },
  two_phase: {
    subscriber: 15, publisher: 15, ignoredByOlder: true, alter: (m) => (m >= 18 ? 'while-disabled' : 'no'),
    note: 'two_phase blocks REFRESH PUBLICATION WITH (copy_data = true)',
  },
  origin: { subscriber: 16, publisher: 16, ignoredByOlder: true, alter: always('yes') },
  password_required: { subscriber: 16, alter: always('yes') },
  run_as_owner: { subscriber: 16, alter: always('yes') },
  failover: {
    subscriber: 17, publisher: 17, ignoredByOlder: false, alter: always('while-disabled'),
    // Seen on 17: with create_slot = false, CREATE SUBSCRIPTION records failover but leaves the slot's flag false.
    note: 'the slot itself must be created as a failover slot (createReplicationSlot({ failover: true }))',
  },
};

const STREAMING_PARALLEL_MIN_MAJOR = 16;

/**
 * Whether `option` (with `value`, for streaming = 'parallel') can be used between these majors, has an effect, and
 * can be changed with ALTER SUBSCRIPTION … SET on the subscriber.
 */
export function subscriptionOptionSupport(
  option: string, subscriberMajor: number, publisherMajor: number, value?: SubscriptionOptionValue,
): OptionSupport {
  const rule = RULES[option];
  if (rule === undefined) return { supported: false, effective: false, alterInPlace: 'no', note: `unknown subscription option ${option}` };
  const alterInPlace = rule.alter(subscriberMajor);
  const base = rule.note === undefined ? {} : { note: rule.note };
  if (subscriberMajor < rule.subscriber) {
    return { supported: false, effective: false, alterInPlace: 'no', note: `${option} needs a PostgreSQL ${rule.subscriber}+ subscriber` };
  }
  if (option === 'streaming' && value === 'parallel' && subscriberMajor < STREAMING_PARALLEL_MIN_MAJOR) {
    return { supported: false, effective: false, alterInPlace: 'no', note: `streaming = parallel needs a PostgreSQL ${STREAMING_PARALLEL_MIN_MAJOR}+ subscriber` };
  }
  if (rule.publisher !== undefined && publisherMajor < rule.publisher) {
    if (rule.ignoredByOlder === true) {
      return { supported: true, effective: false, alterInPlace, note: `a PostgreSQL ${publisherMajor} publisher ignores ${option} (it needs ${rule.publisher}+)` };
    }
    return { supported: false, effective: false, alterInPlace: 'no', note: `${option} needs a PostgreSQL ${rule.publisher}+ publisher` };
  }
  if (option === 'streaming' && value === 'parallel' && publisherMajor < STREAMING_PARALLEL_MIN_MAJOR) {
    return { supported: true, effective: true, alterInPlace, note: `a PostgreSQL ${publisherMajor} publisher streams without parallel apply (streaming = on)` };
  }
  return { supported: true, effective: true, alterInPlace, ...base };
}
