// Post-data for a table (and a materialised view's indexes): indexes, PK/UNIQUE/EXCLUDE constraints, partitioned
// indexes attached child by child, NOT VALID checks, FKs, triggers with their enabled state, rules, RLS and
// policies, replica identity, CLUSTER ON. What a partition or inheritance child gets from its parent is not
// emitted again.
import type { Index, ObjectKey, Rule, TableObject, Trigger, ViewObject } from '../../../model/schema.js';
import { quoteIdent } from '../../sql/quote.js';
import { type BuildContext, RANK } from '../build-context.js';
import { createId, ddlNode, type DdlNode } from '../node.js';
import { keySqlName } from '../object-sql.js';

const POLICY_COMMAND: Readonly<Record<string, string>> = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' };
const ENABLED_WORD: Readonly<Record<string, string>> = { O: 'ENABLE', D: 'DISABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' };

export function indexId(table: ObjectKey, name: string): string {
  return `${table}#index:${name}`;
}
export function constraintId(table: ObjectKey, name: string): string {
  return `${table}#constraint:${name}`;
}
export function attachId(table: ObjectKey, name: string): string {
  return `${table}#attach:${name}`;
}

/** Ids of the statements that make a table's unique keys usable by an FK: its keys and, when partitioned, every attach below it. */
export function referencableIds(table: TableObject, ctx: BuildContext): string[] {
  const ids = [
    ...table.constraints.filter((c) => c.type === 'p' || c.type === 'u').map((c) => constraintId(table.key, c.name)),
    ...table.indexes.filter((i) => i.constraint === null && /^CREATE UNIQUE /.test(i.definition)).map((i) => indexId(table.key, i.name)),
  ];
  for (const child of ctx.objects.values()) {
    if (child.kind === 'table' && child.partitionOf?.parent === table.key) {
      ids.push(...child.indexes.filter((i) => i.parentIndex !== null).map((i) => attachId(child.key, i.name)), ...referencableIds(child, ctx));
    }
  }
  return ids;
}

function qualifiedIndex(owner: TableObject | ViewObject, name: string): string {
  return `${quoteIdent(owner.schema ?? 'public')}.${quoteIdent(name)}`;
}

/** Indexes, and for partitions the ATTACH that ties each to its parent's index. */
export function indexNodes(owner: TableObject | ViewObject, ctx: BuildContext): DdlNode[] {
  const out: DdlNode[] = [];
  const table = keySqlName(owner.key);
  for (const index of owner.indexes) {
    const created = index.constraint === null ? indexId(owner.key, index.name) : constraintId(owner.key, index.constraint);
    if (index.constraint === null) {
      out.push(ddlNode(owner.key, `index:${index.name}`, 'post-data', RANK.index, index.definition, [createId(owner.key)]));
    }
    if (index.parentIndex !== null && owner.kind === 'table' && owner.partitionOf !== null) {
      const parentKey = owner.partitionOf.parent;
      const parent = ctx.objects.get(parentKey);
      const parentIndex = parent?.kind === 'table' ? parent.indexes.find((i) => qualifiedIndex(parent, i.name) === index.parentIndex) : undefined;
      const parentCreated = parentIndex === undefined ? [] : [parentIndex.constraint === null ? indexId(parentKey, parentIndex.name) : constraintId(parentKey, parentIndex.constraint)];
      out.push(ddlNode(owner.key, `attach:${index.name}`, 'post-data', RANK.attach,
        `ALTER INDEX ${index.parentIndex} ATTACH PARTITION ${qualifiedIndex(owner, index.name)}`, [created, ...parentCreated]));
    }
    if (index.clustered) {
      out.push(ddlNode(owner.key, `cluster:${index.name}`, 'post-data', RANK.cluster,
        `ALTER ${owner.kind === 'table' ? 'TABLE' : 'MATERIALIZED VIEW'} ${table} CLUSTER ON ${quoteIdent(index.name)}`, [created]));
    }
  }
  return out;
}

function constraintNodes(t: TableObject, ctx: BuildContext): DdlNode[] {
  const name = keySqlName(t.key);
  const out: DdlNode[] = [];
  for (const c of t.constraints) {
    const add = `ADD CONSTRAINT ${quoteIdent(c.name)} ${c.definition}`;
    if (c.type === 'p' || c.type === 'u' || c.type === 'x') {
      // A partition's key cloned from the parent is created on the partition itself and its index attached
      // (indexNodes), as pg_dump does, so the names match the source's.
      if (c.inherited && t.partitionOf === null) continue;
      const phase = c.type === 'p' && ctx.keysBeforeData.has(t.key) ? 'pre-data' : 'post-data';
      out.push(ddlNode(t.key, `constraint:${c.name}`, phase, RANK.index, `ALTER TABLE ONLY ${name} ${add}`, [createId(t.key)]));
    } else if (c.type === 'f') {
      if (c.inherited) continue;
      const referenced = c.references === null ? undefined : ctx.objects.get(c.references);
      const after = [createId(t.key), ...(referenced?.kind === 'table' ? referencableIds(referenced, ctx) : [])];
      // ONLY is refused for an FK on a partitioned table: it always reaches the partitions.
      const only = t.partitionKey === null ? 'ONLY ' : '';
      out.push(ddlNode(t.key, `constraint:${c.name}`, 'post-data', RANK.foreignKey, `ALTER TABLE ${only}${name} ${add}`, after));
    } else if (c.type === 'c' && !c.inherited && !c.validated) {
      out.push(ddlNode(t.key, `constraint:${c.name}`, 'post-data', RANK.notValidCheck, `ALTER TABLE ${c.noInherit ? 'ONLY ' : ''}${name} ${add}`, [createId(t.key)]));
    }
  }
  for (const col of t.columns) {
    if (!col.notNull || col.notNullValidated !== false || !col.isLocal) continue;
    const constraint = col.notNullName === null ? '' : `CONSTRAINT ${quoteIdent(col.notNullName)} `;
    out.push(ddlNode(t.key, `not-null:${col.name}`, 'post-data', RANK.notValidCheck,
      `ALTER TABLE ${name} ADD ${constraint}NOT NULL ${quoteIdent(col.name)} NOT VALID`, [createId(t.key)]));
  }
  return out;
}

/**
 * A trigger cloned onto a partition comes with the parent's; its own enabled state is set when it or the
 * parent's is not the default, after the parent's (which recurses to partitions on newer majors).
 */
function clonedTriggerNodes(owner: TableObject, tg: Trigger, ctx: BuildContext): DdlNode[] {
  const parentKey = owner.partitionOf?.parent;
  const parent = parentKey === undefined ? undefined : ctx.objects.get(parentKey);
  const parentEnabled = parent?.kind === 'table' ? parent.triggers.find((t) => t.name === tg.name)?.enabled ?? 'O' : 'O';
  if (tg.enabled === 'O' && parentEnabled === 'O') return [];
  const after = [createId(owner.key), ...(parentKey === undefined ? [] : [`${parentKey}#trigger:${tg.name}`, `${parentKey}#trigger:${tg.name}:enabled`])];
  return [ddlNode(owner.key, `trigger:${tg.name}:enabled`, 'post-data', RANK.trigger,
    `ALTER TABLE ONLY ${keySqlName(owner.key)} ${ENABLED_WORD[tg.enabled] ?? 'ENABLE'} TRIGGER ${quoteIdent(tg.name)}`, after)];
}

export function triggerNodes(owner: TableObject | ViewObject, triggers: readonly Trigger[], ctx: BuildContext): DdlNode[] {
  const out: DdlNode[] = [];
  for (const tg of triggers) {
    if (tg.inherited) {
      if (owner.kind === 'table') out.push(...clonedTriggerNodes(owner, tg, ctx));
      continue;
    }
    const id = `trigger:${tg.name}`;
    out.push(ddlNode(owner.key, id, 'post-data', RANK.trigger, tg.definition, [createId(owner.key)]));
    const enabled = tg.enabled === 'O' ? undefined : ENABLED_WORD[tg.enabled];
    if (enabled !== undefined) {
      // ALTER VIEW cannot change trigger state; ALTER TABLE accepts any relation here.
      out.push(ddlNode(owner.key, `${id}:enabled`, 'post-data', RANK.trigger, `ALTER TABLE ${keySqlName(owner.key)} ${enabled} TRIGGER ${quoteIdent(tg.name)}`, [`${owner.key}#${id}`]));
    }
  }
  return out;
}

export function ruleNodes(owner: TableObject | ViewObject, rules: readonly Rule[]): DdlNode[] {
  const out: DdlNode[] = [];
  for (const r of rules) {
    const id = `rule:${r.name}`;
    out.push(ddlNode(owner.key, id, 'post-data', RANK.rule, r.definition.replace(/;\s*$/, ''), [createId(owner.key)]));
    const enabled = r.enabled === 'O' ? undefined : ENABLED_WORD[r.enabled];
    if (enabled !== undefined) {
      out.push(ddlNode(owner.key, `${id}:enabled`, 'post-data', RANK.rule, `ALTER TABLE ${keySqlName(owner.key)} ${enabled} RULE ${quoteIdent(r.name)}`, [`${owner.key}#${id}`]));
    }
  }
  return out;
}

function policyNodes(t: TableObject, ctx: BuildContext): DdlNode[] {
  const name = keySqlName(t.key);
  const out: DdlNode[] = [];
  for (const p of t.policies) {
    const roles: string[] = [];
    for (const r of p.roles) {
      if (r === 'public') { roles.push('PUBLIC'); continue; }
      const mapped = ctx.mapRole(r);
      if (mapped === null) ctx.warn(t.key, `policy ${quoteIdent(p.name)}: role ${r} left out (not on the target)`);
      else roles.push(quoteIdent(mapped));
    }
    if (roles.length === 0) {
      // A policy with no role left would apply to PUBLIC: wider than the source's. Leave it out instead.
      ctx.warn(t.key, `policy ${quoteIdent(p.name)} left out: none of its roles is on the target`);
      continue;
    }
    const parts = [`CREATE POLICY ${quoteIdent(p.name)} ON ${name}`];
    if (!p.permissive) parts.push('AS RESTRICTIVE');
    parts.push(`FOR ${POLICY_COMMAND[p.command] ?? 'ALL'}`, `TO ${roles.join(', ')}`);
    if (p.using !== null) parts.push(`USING (${p.using})`);
    if (p.withCheck !== null) parts.push(`WITH CHECK (${p.withCheck})`);
    out.push(ddlNode(t.key, `policy:${p.name}`, 'post-data', RANK.policy, parts.join(' '), [createId(t.key)]));
  }
  return out;
}

function replicaIdentityNodes(t: TableObject): DdlNode[] {
  const name = keySqlName(t.key);
  const step = (sql: string, after: string[]): DdlNode => ddlNode(t.key, 'replica-identity', 'post-data', RANK.replicaIdentity, sql, after);
  switch (t.replicaIdentity) {
    case 'd': return [];
    case 'n': return [step(`ALTER TABLE ONLY ${name} REPLICA IDENTITY NOTHING`, [createId(t.key)])];
    case 'f': return [step(`ALTER TABLE ONLY ${name} REPLICA IDENTITY FULL`, [createId(t.key)])];
    case 'i': {
      const index = t.indexes.find((i: Index) => i.name === t.replicaIdentityIndex || i.isReplicaIdentity);
      if (index === undefined) return [];
      const created = index.constraint === null ? indexId(t.key, index.name) : constraintId(t.key, index.constraint);
      return [step(`ALTER TABLE ONLY ${name} REPLICA IDENTITY USING INDEX ${quoteIdent(index.name)}`, [created])];
    }
  }
}

export function tablePostNodes(t: TableObject, ctx: BuildContext): DdlNode[] {
  const name = keySqlName(t.key);
  const rls: DdlNode[] = [];
  if (t.rowSecurity.enabled) rls.push(ddlNode(t.key, 'rls', 'post-data', RANK.rowSecurity, `ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY`, [createId(t.key)]));
  if (t.rowSecurity.forced) rls.push(ddlNode(t.key, 'rls-force', 'post-data', RANK.rowSecurity, `ALTER TABLE ${name} FORCE ROW LEVEL SECURITY`, [createId(t.key)]));
  return [
    ...indexNodes(t, ctx),
    ...constraintNodes(t, ctx),
    ...triggerNodes(t, t.triggers, ctx),
    ...ruleNodes(t, t.rules),
    ...rls,
    ...policyNodes(t, ctx),
    ...replicaIdentityNodes(t),
  ];
}
