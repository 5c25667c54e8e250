// Parts of tables (and views/matviews: indexes, triggers, rules) matched by name. A changed definition is a drop
// of the old one (teardown) and a create of the new one; parts inherited from a parent are the parent's business.
import type { Constraint, Index, Rule, TableObject, Trigger, ViewObject } from '../../model/schema.js';
import {
  addConstraint, clusterOn, commentOnConstraint, commentOnIndex, commentOnRule, commentOnTrigger, createIndex, createPolicy,
  createRule, createTrigger, dropConstraint, dropIndex, dropPolicy, dropRule, dropTrigger, setRuleEnabled, setTriggerEnabled,
  validateConstraint, commentOnPolicy,
} from '../../pg/ddl/alter/table.js';
import { quoteIdent, quoteQualified } from '../../pg/sql/quote.js';
import type { ChangeBuilder } from './change-builder.js';

type Relation = TableObject | ViewObject;

function byName<T extends { readonly name: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((i) => [i.name, i]));
}

/**
 * `pg_get_constraintdef` appends NOT VALID; validation is compared on its own, so a VALIDATE can fix it. NO
 * INHERIT means something only on CHECK constraints (a key attached to a partition keeps connoinherit = true,
 * one cloned from the parent false, for the same key).
 */
function constraintShape(c: Constraint): string {
  return JSON.stringify([c.type, c.definition.replace(/ NOT VALID$/, ''), c.deferrable, c.deferred, c.type === 'c' && c.noInherit, c.references]);
}

/**
 * `loosened`: the table leaves a parent (NO INHERIT, DETACH PARTITION) in teardown, which makes the constraints
 * it had from that parent its own; one the source has as its own is then already there.
 */
export function diffConstraints(d: TableObject, a: TableObject, out: ChangeBuilder, loosened = false): void {
  const want = byName(d.constraints.filter((c) => !c.inherited));
  const have = byName(a.constraints.filter((c) => !c.inherited || (loosened && want.has(c.name))));
  for (const [name, c] of have) {
    const w = want.get(name);
    if (w === undefined) out.add(`constraint ${quoteIdent(name)} dropped`, [], [dropConstraint(a, name)]);
    else if (constraintShape(w) !== constraintShape(c) || (!w.validated && c.validated)) {
      out.add(`constraint ${quoteIdent(name)} changed: ${c.definition} -> ${w.definition}`, [addConstraint(d, w)], [dropConstraint(a, name)]);
      if (w.comment !== null) out.add(`constraint ${quoteIdent(name)}: comment`, [commentOnConstraint(d, name, w.comment)]);
    } else {
      if (w.validated && !c.validated) out.add(`constraint ${quoteIdent(name)} validated`, [validateConstraint(d, name)]);
      if (w.comment !== c.comment) out.add(`constraint ${quoteIdent(name)}: comment changed`, [commentOnConstraint(d, name, w.comment)]);
    }
  }
  for (const [name, c] of want) {
    if (have.has(name)) continue;
    out.add(`constraint ${quoteIdent(name)} added`, [addConstraint(d, c)]);
    if (c.comment !== null) out.add(`constraint ${quoteIdent(name)}: comment`, [commentOnConstraint(d, name, c.comment)]);
  }
}

function indexShape(i: Index): string {
  return JSON.stringify([i.definition, i.parentIndex, i.invalid === true]);
}

/**
 * Indexes not backing a constraint (those come with the constraint). A partition's index attached to a parent's
 * is dropped with the parent's, never on its own (the server refuses that). An index invalid on the source is
 * not managed (the create DDL leaves it out, as pg_dump does): the target's index of that name, if any, is left
 * alone. One invalid on the target only is dropped and built again.
 */
export function diffIndexes(d: Relation, a: Relation, desiredIndexNames: ReadonlySet<string>, out: ChangeBuilder): void {
  const unmanaged = new Set(d.indexes.filter((i) => i.invalid === true).map((i) => i.name));
  const want = byName(d.indexes.filter((i) => i.constraint === null && !unmanaged.has(i.name)));
  const have = byName(a.indexes.filter((i) => i.constraint === null && !unmanaged.has(i.name)));
  for (const [name, i] of have) {
    const w = want.get(name);
    const goesWithParent = i.parentIndex !== null && !desiredIndexNames.has(i.parentIndex);
    if (w === undefined) {
      out.add(`index ${quoteIdent(name)} dropped`, [], goesWithParent ? [] : [dropIndex(a, name)]);
    } else if (indexShape(w) !== indexShape(i)) {
      const why = i.invalid === true && i.definition === w.definition ? 'is invalid on the target; built again' : `changed: ${i.definition} -> ${w.definition}`;
      out.add(`index ${quoteIdent(name)} ${why}`, createIndex(d, w), goesWithParent ? [] : [dropIndex(a, name)]);
      if (w.comment !== null) out.add(`index ${quoteIdent(name)}: comment`, [commentOnIndex(d, name, w.comment)]);
    } else if (w.comment !== i.comment) {
      out.add(`index ${quoteIdent(name)}: comment changed`, [commentOnIndex(d, name, w.comment)]);
    }
  }
  for (const [name, i] of want) {
    if (have.has(name)) continue;
    out.add(`index ${quoteIdent(name)} added`, createIndex(d, i));
    if (i.comment !== null) out.add(`index ${quoteIdent(name)}: comment`, [commentOnIndex(d, name, i.comment)]);
  }
  if (d.kind === 'table' && a.kind === 'table') {
    // Constraint-backed indexes can be clustered too, so look at all of them.
    const clusteredWant = d.indexes.find((i) => i.clustered)?.name ?? null;
    const clusteredHave = a.indexes.find((i) => i.clustered)?.name ?? null;
    if (clusteredWant !== clusteredHave) out.add(`CLUSTER ON ${clusteredWant ?? 'none'}`, [clusterOn(d, clusteredWant)]);
  }
}

/** Every index name of a model's relations, as `schema.index` (the form Index.parentIndex has). */
export function qualifiedIndexNames(relations: readonly Relation[]): Set<string> {
  return new Set(relations.flatMap((r) => r.indexes.map((i) => quoteQualified(r.schema ?? 'public', i.name))));
}

export function diffTriggers(d: Relation, a: Relation, out: ChangeBuilder): void {
  const want = byName(d.triggers.filter((t) => !t.inherited));
  const have = byName(a.triggers.filter((t) => !t.inherited));
  const create = (t: Trigger): void => {
    out.add(`trigger ${quoteIdent(t.name)} added`, createTrigger(d, t));
    if (t.comment !== null) out.add(`trigger ${quoteIdent(t.name)}: comment`, [commentOnTrigger(d, t.name, t.comment)]);
  };
  for (const [name, t] of have) {
    const w = want.get(name);
    if (w === undefined) out.add(`trigger ${quoteIdent(name)} dropped`, [], [dropTrigger(a, name)]);
    else if (w.definition !== t.definition) {
      out.add(`trigger ${quoteIdent(name)} changed`, [], [dropTrigger(a, name)]);
      create(w);
    } else {
      if (w.enabled !== t.enabled && d.kind === 'table') out.add(`trigger ${quoteIdent(name)}: enabled ${t.enabled} -> ${w.enabled}`, [setTriggerEnabled(d, name, w.enabled)]);
      if (w.comment !== t.comment) out.add(`trigger ${quoteIdent(name)}: comment changed`, [commentOnTrigger(d, name, w.comment)]);
    }
  }
  for (const [name, t] of want) if (!have.has(name)) create(t);
}

export function diffPolicies(d: TableObject, a: TableObject, out: ChangeBuilder): void {
  const want = byName(d.policies);
  const have = byName(a.policies);
  const shape = (p: TableObject['policies'][number]): string => JSON.stringify({ ...p, comment: null });
  const create = (p: TableObject['policies'][number]): void => {
    out.add(`policy ${quoteIdent(p.name)} added`, [createPolicy(d, p)]);
    if (p.comment !== null) out.add(`policy ${quoteIdent(p.name)}: comment`, [commentOnPolicy(d, p.name, p.comment)]);
  };
  for (const [name, p] of have) {
    const w = want.get(name);
    if (w === undefined) out.add(`policy ${quoteIdent(name)} dropped`, [], [dropPolicy(a, name)]);
    else if (shape(w) !== shape(p)) {
      out.add(`policy ${quoteIdent(name)} changed`, [], [dropPolicy(a, name)]);
      create(w);
    } else if (w.comment !== p.comment) out.add(`policy ${quoteIdent(name)}: comment changed`, [commentOnPolicy(d, name, w.comment)]);
  }
  for (const [name, p] of want) if (!have.has(name)) create(p);
}

export function diffRules(d: Relation, a: Relation, out: ChangeBuilder): void {
  const want = byName(d.rules);
  const have = byName(a.rules);
  const create = (r: Rule): void => {
    out.add(`rule ${quoteIdent(r.name)} added`, createRule(d, r));
    if (r.comment !== null) out.add(`rule ${quoteIdent(r.name)}: comment`, [commentOnRule(d, r.name, r.comment)]);
  };
  for (const [name, r] of have) {
    const w = want.get(name);
    if (w === undefined) out.add(`rule ${quoteIdent(name)} dropped`, [], [dropRule(a, name)]);
    else if (w.definition !== r.definition) {
      out.add(`rule ${quoteIdent(name)} changed`, [], [dropRule(a, name)]);
      create(w);
    } else {
      if (w.enabled !== r.enabled && d.kind === 'table') out.add(`rule ${quoteIdent(name)}: enabled ${r.enabled} -> ${w.enabled}`, [setRuleEnabled(d, name, w.enabled)]);
      if (w.comment !== r.comment) out.add(`rule ${quoteIdent(name)}: comment changed`, [commentOnRule(d, name, w.comment)]);
    }
  }
  for (const [name, r] of want) if (!have.has(name)) create(r);
}
