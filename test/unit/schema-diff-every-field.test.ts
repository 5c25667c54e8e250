// Systematic mutation pairs: every leaf field of every object of the base model is changed on its own, and the
// diff must see it, in both directions. The few fields the diff does not compare are listed with the reason; a
// new field in the model fails here until it is compared or listed.
import { describe, expect, it } from 'vitest';
import type { SchemaModel, SchemaObjectAny } from '../../src/model/schema.js';
import { diffSchemas } from '../../src/schema/diff/diff-schemas.js';
import { EXTRA_OBJECTS, baseModel } from './schema-diff-base.js';

/** Path patterns (array indexes as `[]`) that are not compared, and why. */
const NOT_COMPARED: Readonly<Record<string, string>> = {
  key: 'the identity of the object: another key is another object (covered by create/delete tests)',
  kind: 'part of the key',
  schema: 'part of the key',
  name: 'part of the key',
  identityArguments: 'part of the key',
  'deps[]': 'order only: what an object depends on shows in its definition',
  'acl[].grantor': 'GRANT always records the role that runs it, so no statement could change the grantor',
  'columns[].acl[].grantor': 'as acl[].grantor',
  'columns[].inheritedCount': 'how many parents a column comes from follows from the inheritance compared on the table',
  'indexes[].isReplicaIdentity': 'follows from replicaIdentity/replicaIdentityIndex, compared on the table',
  'indexes[].constraint': 'an index backing a constraint is the constraint\'s (its definition is compared there)',
  'columns[].notNullName': 'PG18 only: compared when both sides and the target are 18+ (normalise-model.test.ts)',
  'columns[].isLocal': 'an inherited column is the parent\'s: decides whether it is compared at all',
  'constraints[].inherited': 'a constraint from a parent is the parent\'s: decides whether it is compared at all',
  'triggers[].inherited': 'as constraints[].inherited',
  'constraints[].validated': 'compared one way only: a NOT VALID constraint on the source does not unvalidate the target (mutated below)',
};

type Leaf = { readonly path: string; readonly pattern: string; readonly mutate: (o: SchemaObjectAny) => SchemaObjectAny };

function setAt(value: unknown, keys: readonly (string | number)[], next: unknown): unknown {
  if (keys.length === 0) return next;
  const [head, ...rest] = keys as [string | number, ...(string | number)[]];
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? setAt(v, rest, next) : v));
  const record = value as Record<string, unknown>;
  return { ...record, [head]: setAt(record[head], rest, next) };
}

function changed(v: unknown): unknown {
  if (typeof v === 'string') return `${v}_x`;
  if (typeof v === 'number') return v + 1;
  if (typeof v === 'boolean') return !v;
  return undefined;
}

function leaves(value: unknown, keys: (string | number)[] = [], pattern = ''): Leaf[] {
  if (Array.isArray(value)) {
    const grown: Leaf[] = value.length > 0 && value.every((v) => typeof v === 'string')
      ? [{ path: `${keys.join('.')}+`, pattern: `${pattern}[]`, mutate: (o) => setAt(o, keys, [...value, 'extra_x']) as SchemaObjectAny }]
      : [];
    return [...grown, ...value.flatMap((v, i) => leaves(v, [...keys, i], `${pattern}[]`))];
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...keys, k], pattern === '' ? k : `${pattern}.${k}`));
  }
  const next = changed(value);
  if (next === undefined) return [];
  return [{ path: keys.join('.'), pattern, mutate: (o) => setAt(o, keys, next) as SchemaObjectAny }];
}

const createDdl = (model: SchemaModel): { sql: string; transactional: boolean; phase: 'pre-data'; object: string }[] =>
  model.objects.map((o) => ({ sql: `CREATE ${o.key}`, transactional: true, phase: 'pre-data', object: o.key }));

/** Fields compared only for some objects or parts, by what the field means there. */
function notComparedHere(o: SchemaObjectAny, path: string): string | null {
  const [part, index, field] = path.split('.');
  if (o.kind === 'view' && path === 'populated') return 'only materialised views are populated or not';
  if (o.kind === 'extension' && path === 'owner') return 'no ALTER EXTENSION … OWNER TO: an extension belongs to the role that created it';
  if (o.kind !== 'table' || index === undefined) return null;
  if (part === 'indexes' && o.indexes[Number(index)]?.constraint !== null) return 'an index backing a constraint is compared as the constraint';
  if (part === 'constraints' && field === 'noInherit' && o.constraints[Number(index)]?.type !== 'c') return 'NO INHERIT means something on CHECK constraints only';
  return null;
}

function withMutation(model: SchemaModel, key: string, mutate: (o: SchemaObjectAny) => SchemaObjectAny): SchemaModel {
  return { ...model, objects: model.objects.map((o) => (o.key === key ? mutate(o) : o)) };
}

describe('every field of every object', () => {
  const model: SchemaModel = { ...baseModel(), objects: [...baseModel().objects, ...EXTRA_OBJECTS] };
  const cases = model.objects.flatMap((o) => leaves(o)
    .filter((l) => NOT_COMPARED[l.pattern] === undefined && notComparedHere(o, l.path) === null)
    .map((l) => [`${o.key} ${l.path}`, o.key, l] as const));

  it('covers every field of every kind in the base model', () => expect(cases.length).toBeGreaterThanOrEqual(150));

  it.each(cases)('%s', (_name, key, leaf) => {
    const mutated = withMutation(model, key, leaf.mutate);
    const opts = { targetMajor: 17, createDdl };
    expect(diffSchemas(mutated, model, opts).length, 'source changed').toBeGreaterThan(0);
    expect(diffSchemas(model, mutated, opts).length, 'target changed').toBeGreaterThan(0);
  });

  it('a NOT VALID constraint on the target is validated; one on the source leaves a validated target alone', () => {
    const unvalidated = withMutation(model, 'table:sales.orders', (o) => (o.kind !== 'table' ? o : {
      ...o, constraints: o.constraints.map((c) => (c.type === 'c' ? { ...c, validated: false, definition: `${c.definition} NOT VALID` } : c)),
    }));
    expect(diffSchemas(model, unvalidated, { targetMajor: 17, createDdl }).flatMap((c) => c.statements.map((s) => s.sql)))
      .toEqual(['ALTER TABLE sales.orders VALIDATE CONSTRAINT orders_amount_check']);
  });
});
