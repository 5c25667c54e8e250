// Second half of a `sync: true` database's plan (after its rows are planned): the `source.publication`,
// `source.slot` and `target.subscription` steps. Where each operation runs (schedule.ts): the detach stage takes
// apart what must go first (tables leaving the publication before a re-sync, a subscription detached and dropped,
// a stale slot dropped), the publication stage runs before the slot is made (decoding looks the publication up as of
// each change), the slot's snapshot is the copy's, and the subscription stage comes after post-data (keys exist).
// Pure.
import { replicationAddress } from '../../model/address.js';
import type { ServerActual } from '../../introspect/types.js';
import {
  addTablesStatements, createPublicationStatements, dropPublicationStatements, dropTablesStatements, setFilterStatements, setPublishStatements,
  type PublishedTable as SqlPublishedTable,
} from '../../pg/replication/publication-sql.js';
import {
  alterSubscriptionOptionsSql, detachAndDropStatements, disableSql, enableSql, redactedCreateSubscriptionSql, refreshPublicationSql, subscriptionOptionSupport,
} from '../../pg/replication/subscription-sql.js';
import type { DdlStatement } from '../../pg/ddl/types.js';
import { quoteQualified } from '../../pg/sql/quote.js';
import type { DatabaseSpec } from '../../spec/model.js';
import type { Diagnostic } from '../../util/errors.js';
import type { Operation, PlanStep, SqlOperation, SqlStage } from '../types.js';
import type { RowsPlan } from './rows-steps.js';
import type { SyncPrepared } from './sync-prepare.js';
import { managedComment, type PublicationAttributes, type SlotAttributes, type SubscriptionAttributes } from './types.js';

export interface SyncStepsInput {
  readonly db: DatabaseSpec;
  readonly prepared: SyncPrepared;
  readonly rows: RowsPlan;
  readonly source: ServerActual;
  readonly target: ServerActual;
  readonly lineage: string;
  /** The subscription's conninfo from source.url, redacted, and whether it holds a password. */
  readonly conninfo: { readonly preview: string; readonly hasPassword: boolean };
}

export interface SyncSteps {
  readonly steps: Omit<PlanStep, 'index'>[];
  readonly diagnostics: Diagnostic[];
}

const sqlOp = (side: 'source' | 'target', stage: SqlStage, order: number, statements: readonly DdlStatement[], autocommit = false): SqlOperation => ({
  type: 'sql', side, stage, order, statements, ...(autocommit ? { autocommit: true as const } : {}),
});

const targetStatement = (sql: string, name: string): DdlStatement => ({ sql, transactional: false, phase: 'post-data', object: `subscription:${name}` });

const quoted = (t: { readonly schema: string; readonly name: string }): string => quoteQualified(t.schema, t.name);

/** Spec and catalog option values in one text form (streaming reads `on`/`off`/`parallel` back). */
function optionText(option: string, v: string | boolean | undefined): string | null {
  if (v === undefined) return null;
  if (option === 'streaming') return v === true || v === 'on' ? 'on' : v === false || v === 'off' ? 'off' : String(v);
  return String(v);
}

function preview(ops: readonly Operation[], createSql: string | null): string[] {
  return ops.flatMap((o) => {
    if (o.type === 'sql') return o.statements.map((s) => s.sql);
    if (o.type === 'create-slot') return [`CREATE_REPLICATION_SLOT ${o.slot} LOGICAL pgoutput${o.exportSnapshot ? ' EXPORT_SNAPSHOT' : ''}`];
    if (o.type === 'drop-slot') return [`SELECT pg_drop_replication_slot('${o.slot}')`];
    if (o.type === 'create-subscription') return createSql === null ? [] : [createSql];
    return [];
  });
}

export function planSyncSteps(input: SyncStepsInput): SyncSteps {
  const { db, prepared: p, source, target } = input;
  const diagnostics: Diagnostic[] = [];
  const steps: Omit<PlanStep, 'index'>[] = [];
  const fresh = p.rows.mode === 'fresh';
  const names = p.names;
  const comment = managedComment(input.lineage);
  const copied = new Set(input.rows.copied);
  const sqlTable = (t: { schema: string; name: string; filter: string | null }): SqlPublishedTable => ({ schema: t.schema, name: t.name, filter: t.filter });

  // Publication.
  const pubAfter: PublicationAttributes = {
    name: names.publication, database: db.key, tables: p.published.map((t) => ({ table: quoted(t), filter: t.filter })),
    publish: [...db.publish], via_root: p.viaRoot,
  };
  const pubOps: Operation[] = [];
  const subDetachOps: Operation[] = [];
  const reasons: string[] = [];
  let refresh: 'copy' | 'no-copy' | null = null;
  const publishOpts = { publish: db.publish, viaRoot: p.viaRoot, sourceMajor: source.major };
  if (p.publication === null) {
    pubOps.push(sqlOp('source', 'publication', 0, createPublicationStatements(names.publication, p.published.map(sqlTable), { ...publishOpts, comment })));
    reasons.push(`publication ${names.publication} does not exist: it publishes ${p.published.length} table(s)`);
  } else {
    const live = new Map(p.publication.tables.map((t) => [quoted(t), t]));
    const recorded = new Map(((p.records.publication?.attributes as unknown as PublicationAttributes | undefined)?.tables ?? []).map((t) => [t.table, t.filter]));
    const desired = new Set(p.published.map(quoted));
    const removed = [...live.values()].filter((t) => !desired.has(quoted(t)));
    const added = p.published.filter((t) => !live.has(quoted(t)));
    const resync = fresh ? [] : p.published.filter((t) => live.has(quoted(t)) && copied.has(t.root));
    const refiltered = p.published.filter((t) => live.has(quoted(t)) && !resync.includes(t) && (recorded.has(quoted(t)) ? recorded.get(quoted(t)) !== t.filter : t.filter !== null));
    const statements: DdlStatement[] = [];
    if (removed.length > 0) {
      statements.push(...dropTablesStatements(names.publication, removed));
      reasons.push(`${removed.map(quoted).join(', ')} left the spec: dropped from the publication${fresh ? '' : ' (their target rows stay)'}`);
    }
    for (const t of refiltered) {
      statements.push(...setFilterStatements(names.publication, t, t.filter, source.major));
      reasons.push(`${quoted(t)} is published with a new filter: ${t.filter ?? '(every row)'}`);
    }
    if (resync.length > 0) {
      pubOps.push(sqlOp('source', 'detach', -1, dropTablesStatements(names.publication, resync)));
      subDetachOps.push(sqlOp('target', 'detach', 0, [targetStatement(refreshPublicationSql(names.subscription, false), names.subscription)], true));
      reasons.push(`${resync.map(quoted).join(', ')} ${resync.length === 1 ? 'is' : 'are'} re-synchronised: dropped from the publication and added back`);
    }
    const adds = [...added, ...resync];
    if (adds.length > 0) {
      statements.push(...addTablesStatements(names.publication, adds.map(sqlTable), source.major));
      if (added.length > 0) reasons.push(`${added.map(quoted).join(', ')} added to the publication`);
    }
    const publishNow = p.publication.publish.join(',') !== (['insert', 'update', 'delete', 'truncate'] as const).filter((a) => db.publish.includes(a)).join(',');
    if (publishNow || (source.major >= 13 && p.publication.viaRoot !== p.viaRoot)) {
      statements.push(...setPublishStatements(names.publication, publishOpts));
      reasons.push(`publish = ${db.publish.join(', ')}${p.viaRoot ? ', publish_via_partition_root' : ''}`);
    }
    if (statements.length > 0) pubOps.push(sqlOp('source', 'publication', 0, statements));
    if (!fresh && (adds.length > 0)) refresh = 'copy';
    else if (!fresh && (removed.length > 0 || refiltered.length > 0)) refresh = 'no-copy';
  }
  if (pubOps.length > 0) {
    steps.push({
      address: replicationAddress('publication', db.key), action: p.publication === null ? 'create' : 'update', destructive: false,
      reason: reasons.join('; '), before: p.records.publication?.attributes ?? null, after: pubAfter, operations: pubOps, sqlPreview: preview(pubOps, null),
    });
  } else if (p.records.publication === undefined && p.publication !== null) {
    // Adopted as is (made by this lineage, e.g. the state was written before it was recorded).
    steps.push({ address: replicationAddress('publication', db.key), action: 'update', destructive: false, reason: `publication ${names.publication} is recorded in the state`, before: null, after: pubAfter, operations: [], sqlPreview: [] });
  }

  // PostgreSQL's table sync applies a row filter to its copy only on a 15+ subscriber.
  if (target.major < 15) {
    const copiedByServer = p.published.filter((t) => t.filter !== null && copied.has(t.root) && (p.rows.native || !fresh));
    for (const t of copiedByServer) {
      diagnostics.push({
        severity: 'error',
        message: `database ${db.key}: ${quoted(t)} would be copied by PostgreSQL's table sync, which ignores its filter on a PostgreSQL ${target.major} subscriber (15+ applies it): the target would get every row`,
        hints: ['use copy: stream (pgrepl copies the filtered rows itself) for a first sync, or upgrade the target to 15+'],
      });
    }
  }

  // Slot.
  if (fresh) {
    const ops: Operation[] = [];
    if (p.slot !== null) ops.push({ type: 'drop-slot', slot: names.slot });
    const failover = db.subscription.options['failover'] === true && source.major >= 17 && target.major >= 17;
    ops.push({ type: 'create-slot', slot: names.slot, plugin: 'pgoutput', exportSnapshot: !p.rows.native, ...(failover ? { failover: true as const } : {}) });
    const after: SlotAttributes = { name: names.slot, database: db.key, snapshot: null, consistent_point: null };
    steps.push({
      address: replicationAddress('slot', db.key), action: p.slot === null ? 'create' : 'replace', destructive: false,
      reason: p.slot === null
        ? p.rows.native ? `slot ${names.slot} does not exist: the subscription streams from it once PostgreSQL's table sync (copy: native) copied each table` : `slot ${names.slot} does not exist: it is made with an exported snapshot, which the copy reads`
        : (p.freshReason ?? ''),
      before: p.records.slot?.attributes ?? null, after, operations: ops, sqlPreview: preview(ops, null),
    });
  }

  // Subscription.
  const options: Record<string, string | boolean> = {};
  for (const [option, value] of Object.entries(db.subscription.options)) {
    const support = subscriptionOptionSupport(option, target.major, source.major, value);
    if (!support.supported) {
      diagnostics.push({ severity: 'warning', message: `database ${db.key}: subscription option ${option} is left out: ${support.note ?? 'not supported'}` });
      continue;
    }
    if (!support.effective) diagnostics.push({ severity: 'warning', message: `database ${db.key}: subscription option ${option} will have no effect: ${support.note ?? ''}` });
    options[option] = value;
  }
  const storesPassword = db.subscription.conninfo === undefined && input.conninfo.hasPassword;
  if (!target.superuser && target.major >= 16 && !storesPassword && db.subscription.conninfo === undefined) {
    diagnostics.push({
      severity: 'error',
      message: `database ${db.key}: the subscription will be owned by ${target.user}, not a superuser, and PostgreSQL ${target.major} requires such an owner to give a password, but the source URL has none`,
      hints: ['put the source role\'s password in source.url (or in a passfile pgrepl reads), and make the source ask for one (scram-sha-256 in pg_hba.conf)'],
    });
  }
  if (storesPassword) diagnostics.push({ severity: 'warning', message: `database ${db.key}: the subscription's conninfo stores the source role's password in pg_subscription on the target (PostgreSQL keeps it there)` });
  const subAfter: SubscriptionAttributes = {
    name: names.subscription, database: db.targetDatabase, publication: names.publication, slot: names.slot, enabled: db.subscription.enabled, options, stores_password: storesPassword,
  };
  const subOps: Operation[] = [...subDetachOps];
  const subReasons: string[] = [];
  let destructive = false;
  let createSql: string | null = null;
  if (fresh) {
    if (p.subscription !== null) {
      subOps.push(sqlOp('target', 'detach', 0, detachAndDropStatements(names.subscription), true));
      destructive = p.rows.force?.destructive ?? false;
    }
    subOps.push({
      type: 'create-subscription', subscription: names.subscription, publication: names.publication, slot: names.slot, options,
      copyData: p.rows.native, enabled: db.subscription.enabled, comment, storesPassword,
    });
    createSql = redactedCreateSubscriptionSql(names.subscription, db.subscription.conninfo === undefined ? input.conninfo.preview : 'password=<redacted>', names.publication, names.slot, options, { copyData: p.rows.native, enabled: db.subscription.enabled });
    subReasons.push(p.subscription !== null ? (p.freshReason ?? 'made again')
      : p.rows.native ? `subscription ${names.subscription} does not exist: made with copy_data = true, so PostgreSQL copies every table server to server (copy: native); apply returns once it exists, and pgrepl status follows each table to ready`
        : `subscription ${names.subscription} does not exist: made after the copy and the keys, from slot ${names.slot} (copy_data = false)`);
  } else if (p.subscription !== null) {
    const live = p.subscription;
    const now: Record<string, string | boolean> = {};
    const whileDisabled: Record<string, string | boolean> = {};
    for (const [option, value] of Object.entries(options)) {
      if (optionText(option, live.options[option]) === optionText(option, value)) continue;
      const support = subscriptionOptionSupport(option, target.major, source.major, value);
      if (support.alterInPlace === 'yes') now[option] = value;
      else if (support.alterInPlace === 'while-disabled') whileDisabled[option] = value;
      else {
        diagnostics.push({
          severity: 'error',
          message: `database ${db.key}: subscription option ${option} cannot be changed on a PostgreSQL ${target.major} subscription (${String(live.options[option])} -> ${String(value)}); only a drop and re-create would, which copies every table again`,
          hints: [`keep ${option}: ${String(live.options[option])} in the spec, or plan --destroy and apply again`],
        });
      }
    }
    const statements: string[] = [];
    let disabledHere = false;
    if (Object.keys(now).length > 0) statements.push(alterSubscriptionOptionsSql(names.subscription, now));
    if (Object.keys(whileDisabled).length > 0) {
      if (live.enabled) {
        statements.push(disableSql(names.subscription));
        disabledHere = true;
      }
      statements.push(alterSubscriptionOptionsSql(names.subscription, whileDisabled));
      if (live.enabled && db.subscription.enabled) statements.push(enableSql(names.subscription));
    }
    const changed = [...Object.keys(now), ...Object.keys(whileDisabled)];
    if (changed.length > 0) subReasons.push(`options changed: ${changed.map((o) => `${o} = ${String(options[o])}`).join(', ')}`);
    if (refresh === 'copy' && (live.options['two_phase'] === true || options['two_phase'] === true) && target.major < 18) {
      diagnostics.push({
        severity: 'error',
        message: `database ${db.key}: subscription ${names.subscription} has two_phase on, and PostgreSQL ${target.major} refuses REFRESH PUBLICATION WITH (copy_data = true) then: the tables to add cannot be copied`,
        hints: ['add these tables in another database block (another subscription), or re-create the subscription without two_phase (plan --destroy, then apply)'],
      });
    }
    // PostgreSQL refuses REFRESH PUBLICATION on a disabled subscription: one that is to be enabled again is enabled
    // first (in the detach stage when tables leave it there); a paused one cannot take table changes.
    const refreshing = refresh !== null || subDetachOps.length > 0;
    const enabledAfterOptions = Object.keys(whileDisabled).length > 0 ? live.enabled && db.subscription.enabled : live.enabled;
    const cutover = (p.records.subscription?.attributes as { cutover?: { after_done?: unknown } } | undefined)?.cutover;
    const cutoverDisabled = cutover?.after_done === 'disable' && !live.enabled;
    const enableFirst = refreshing && !enabledAfterOptions && db.subscription.enabled && !cutoverDisabled;
    if (refreshing && !enabledAfterOptions && !enableFirst) {
      diagnostics.push({
        severity: 'error',
        message: `database ${db.key}: tables cannot be added to, dropped from or re-synchronised through subscription ${names.subscription} while it is disabled (PostgreSQL refuses REFRESH PUBLICATION then)`,
        hints: ['set subscription.enabled: true for this apply (pause again afterwards), or leave the table list as it is while paused'],
      });
    }
    if (enableFirst) {
      // subOps begins with the detach-stage operations (the refresh that lets re-synchronised tables go).
      const first = subOps[0];
      if (first?.type === 'sql' && first.stage === 'detach') subOps[0] = { ...first, statements: [targetStatement(enableSql(names.subscription), names.subscription), ...first.statements] };
      else statements.push(enableSql(names.subscription));
    }
    if (refresh !== null) {
      statements.push(refreshPublicationSql(names.subscription, refresh === 'copy'));
      subReasons.push(refresh === 'copy' ? 'REFRESH PUBLICATION copies the tables added to the publication' : 'REFRESH PUBLICATION forgets the tables dropped from the publication');
    }
    if (cutoverDisabled) {
      diagnostics.push({ severity: 'warning', message: `database ${db.key}: pgrepl cutover disabled subscription ${names.subscription}; it stays disabled (set sync: false once the target is the primary)` });
    } else if (db.subscription.enabled && !enabledAfterOptions) {
      if (!enableFirst) statements.push(enableSql(names.subscription));
      const errors = live.errorCounts === null ? '' : ` (apply errors ${live.errorCounts.apply}, sync errors ${live.errorCounts.sync} since the statistics were reset)`;
      subReasons.push(`the subscription is disabled${errors}: it is enabled again${Object.keys(whileDisabled).length > 0 ? '' : '; if an error disabled it (disable_on_error), fix its cause first (pgrepl status shows it), or the worker stops again'}`);
    } else if (!db.subscription.enabled && live.enabled && !disabledHere) {
      statements.push(disableSql(names.subscription));
      subReasons.push('subscription.enabled: false pauses replication (the slot keeps WAL on the source meanwhile)');
    }
    if (statements.length > 0) subOps.push(sqlOp('target', 'subscription', 0, statements.map((s) => targetStatement(s, names.subscription)), true));
    if (subDetachOps.length > 0 && subReasons.length === 0) subReasons.push('tables re-synchronised: they leave the subscription first');
  }
  if (subOps.length > 0 || (p.records.subscription === undefined && p.subscription !== null)) {
    steps.push({
      address: replicationAddress('subscription', db.key), action: fresh ? (p.subscription === null ? 'create' : 'replace') : 'update', destructive,
      reason: subReasons.join('; ') || `subscription ${names.subscription} is recorded in the state`,
      before: p.records.subscription?.attributes ?? null, after: subAfter, operations: subOps, sqlPreview: preview(subOps, createSql),
    });
  }
  return { steps, diagnostics };
}

/** `plan --destroy` of one database's replication objects, in the order that works with the source down. */
export function destroySyncSteps(key: string, records: {
  readonly publication?: PublicationAttributes; readonly slot?: SlotAttributes; readonly subscription?: SubscriptionAttributes;
}, live: { readonly subscription: boolean; readonly publication: boolean }): Omit<PlanStep, 'index'>[] {
  const steps: Omit<PlanStep, 'index'>[] = [];
  if (records.subscription !== undefined) {
    const name = records.subscription.name;
    const ops: Operation[] = live.subscription ? [sqlOp('target', 'detach', 0, detachAndDropStatements(name), true)] : [];
    steps.push({
      address: replicationAddress('subscription', key), action: 'delete', destructive: false,
      reason: live.subscription ? `subscription ${name} is disabled, detached from its slot and dropped` : `subscription ${name} is already gone`,
      before: records.subscription, after: null, operations: ops, sqlPreview: preview(ops, null),
    });
  }
  if (records.slot !== undefined) {
    const ops: Operation[] = [{ type: 'drop-slot', slot: records.slot.name, tolerateFailure: true }];
    steps.push({
      address: replicationAddress('slot', key), action: 'delete', destructive: false,
      reason: `slot ${records.slot.name} is dropped on the source (kept as pending-delete when the source cannot be reached)`,
      before: records.slot, after: null, operations: ops, sqlPreview: preview(ops, null),
    });
  }
  if (records.publication !== undefined) {
    const ops: Operation[] = [sqlOp('source', 'detach', 1, dropPublicationStatements(records.publication.name))];
    steps.push({
      address: replicationAddress('publication', key), action: 'delete', destructive: false,
      reason: `publication ${records.publication.name} is dropped on the source`,
      before: records.publication, after: null, operations: ops, sqlPreview: preview(ops, null),
    });
  }
  return steps;
}
