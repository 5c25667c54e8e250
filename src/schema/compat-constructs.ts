// The table of schema constructs that appeared in a PostgreSQL major after 12, the oldest pgrepl reads. One row
// per construct: the first major that has it, what happens on an older target, and how to find it in a model.
// checkTargetCompatibility (compat.ts) runs the detectors; B's DDL builders refuse some of the same things at
// build time, this table lets a plan say so for every object at once before anything is built.
import type { SchemaObjectAny } from '../model/schema.js';

/** error: the object cannot be created on an older target (plan error); drop: left out there, with a warning. */
export type CompatAction = 'error' | 'drop';

export interface CompatConstruct {
  readonly id: string;
  readonly description: string;
  readonly firstMajor: number;
  readonly onOlder: CompatAction;
  /** What in `o` uses the construct (one string per use, e.g. a column name), empty when nothing does. */
  readonly detect: (o: SchemaObjectAny) => readonly string[];
}

/** Every expression text an object carries, labelled, for the text-pattern detectors. */
export function expressionsOf(o: SchemaObjectAny): { readonly where: string; readonly text: string }[] {
  const out: { where: string; text: string }[] = [];
  if (o.kind === 'table') {
    for (const c of o.columns) {
      if (c.default !== null) out.push({ where: `column ${c.name} default`, text: c.default });
      if (c.generated !== null) out.push({ where: `column ${c.name} generated`, text: c.generated.expression });
    }
    for (const c of o.constraints) out.push({ where: `constraint ${c.name}`, text: c.definition });
    // An invalid index is left out of the write (create/invalid-indexes.ts), so the target need not take it.
    for (const i of o.indexes) if (i.invalid !== true) out.push({ where: `index ${i.name}`, text: i.definition });
    for (const t of o.triggers) out.push({ where: `trigger ${t.name}`, text: t.definition });
    for (const p of o.policies) {
      if (p.using !== null) out.push({ where: `policy ${p.name}`, text: p.using });
      if (p.withCheck !== null) out.push({ where: `policy ${p.name}`, text: p.withCheck });
    }
    for (const r of o.rules) out.push({ where: `rule ${r.name}`, text: r.definition });
  } else if (o.kind === 'view' || o.kind === 'matview') {
    out.push({ where: 'definition', text: o.definition });
    for (const i of o.indexes) if (i.invalid !== true) out.push({ where: `index ${i.name}`, text: i.definition });
    for (const c of o.columns) if (c.default !== null) out.push({ where: `column ${c.name} default`, text: c.default });
  } else if (o.kind === 'function') {
    out.push({ where: 'definition', text: o.definition });
  } else if (o.kind === 'type' && o.type.variant === 'domain') {
    if (o.type.default !== null) out.push({ where: 'default', text: o.type.default });
    for (const c of o.type.constraints) out.push({ where: `constraint ${c.name}`, text: c.definition });
  } else if (o.kind === 'statistics') {
    out.push({ where: 'definition', text: o.definition });
  }
  return out;
}

/** Drop string literals and quoted identifiers, so a pattern never matches inside a name or a value. */
export function withoutQuoted(text: string): string {
  return text.replace(/'(?:[^']|'')*'/g, "''").replace(/"(?:[^"]|"")*"/g, '""');
}

function byPattern(pattern: RegExp): (o: SchemaObjectAny) => string[] {
  return (o) => expressionsOf(o).filter((e) => pattern.test(withoutQuoted(e.text))).map((e) => e.where);
}

const MULTIRANGE_TYPE = /\b(?:int4|int8|num|ts|tstz|date)multirange\b/;

/** A function with a SQL-standard body: pg_get_functiondef prints `BEGIN ATOMIC …` or `RETURN …`, never `AS $…$`. */
function hasStandardBody(o: SchemaObjectAny): boolean {
  return o.kind === 'function' && o.language === 'sql' && (o.variant === 'f' || o.variant === 'p') && !/\bAS\s+(?:\$|')/.test(o.definition);
}

export const COMPAT_CONSTRUCTS: readonly CompatConstruct[] = [
  {
    id: 'before-row-trigger-on-partitioned-table', description: 'BEFORE … FOR EACH ROW triggers on a partitioned table', firstMajor: 13, onOlder: 'error',
    detect: (o) => o.kind === 'table' && o.partitionKey !== null
      ? o.triggers.filter((t) => !t.inherited && /\bBEFORE\b/.test(t.definition) && /\bFOR EACH ROW\b/.test(t.definition)).map((t) => `trigger ${t.name}`) : [],
  },
  {
    id: 'statistics-target', description: 'a statistics target on extended statistics (ALTER STATISTICS … SET STATISTICS)', firstMajor: 13, onOlder: 'drop',
    detect: (o) => (o.kind === 'statistics' && o.statisticsTarget !== null && o.statisticsTarget >= 0 ? ['statistics target'] : []),
  },
  {
    id: 'sql-standard-function-body', description: 'SQL-standard function bodies (BEGIN ATOMIC / RETURN)', firstMajor: 14, onOlder: 'error',
    detect: (o) => (hasStandardBody(o) ? ['body'] : []),
  },
  {
    id: 'multirange', description: 'multirange types', firstMajor: 14, onOlder: 'error',
    detect: (o) => {
      if (o.kind === 'type' && o.type.variant === 'range' && o.type.multirangeName !== null) return [`multirange ${o.type.multirangeName}`];
      if (o.kind === 'table' || o.kind === 'view' || o.kind === 'matview') return o.columns.filter((c) => MULTIRANGE_TYPE.test(c.type)).map((c) => `column ${c.name}`);
      return [];
    },
  },
  {
    id: 'procedure-out-parameters', description: 'OUT parameters of procedures', firstMajor: 14, onOlder: 'error',
    detect: (o) => (o.kind === 'function' && o.variant === 'p' && /(?:^|,\s*)OUT\s/.test(o.identityArguments) ? ['OUT parameter'] : []),
  },
  {
    id: 'expression-statistics', description: 'extended statistics on expressions', firstMajor: 14, onOlder: 'error',
    detect: (o) => (o.kind === 'statistics' && /\bON\b[^]*\(/.test(withoutQuoted(o.definition).replace(/\bFROM\b[^]*$/, '')) ? ['expression'] : []),
  },
  {
    // The DDL builders refuse it too (create/table.ts, diff-columns.ts); named here so the plan says so up front.
    id: 'column-compression', description: 'per-column compression (SET COMPRESSION)', firstMajor: 14, onOlder: 'error',
    detect: (o) => (o.kind === 'table' ? o.columns.filter((c) => (c.compression ?? null) !== null).map((c) => `column ${c.name}`) : []),
  },
  { id: 'nulls-not-distinct', description: 'UNIQUE … NULLS NOT DISTINCT', firstMajor: 15, onOlder: 'error', detect: byPattern(/\bNULLS NOT DISTINCT\b/) },
  {
    id: 'fk-set-column-list', description: 'ON DELETE SET NULL / SET DEFAULT with a column list', firstMajor: 15, onOlder: 'error',
    detect: byPattern(/\bON DELETE SET (?:NULL|DEFAULT) \(/),
  },
  {
    id: 'security-invoker-view', description: 'security_invoker views', firstMajor: 15, onOlder: 'error',
    detect: (o) => ((o.kind === 'view') && o.options.some((x) => x.startsWith('security_invoker=')) ? ['security_invoker'] : []),
  },
  {
    id: 'unlogged-sequence', description: 'UNLOGGED sequences', firstMajor: 15, onOlder: 'error',
    detect: (o) => (o.kind === 'sequence' && o.persistence === 'u' ? ['UNLOGGED'] : []),
  },
  {
    id: 'sql-json-constructors', description: 'SQL/JSON constructors and IS JSON (JSON_OBJECT, JSON_ARRAY, … IS JSON)', firstMajor: 16, onOlder: 'error',
    detect: byPattern(/\b(?:JSON_OBJECT|JSON_ARRAY|JSON_OBJECTAGG|JSON_ARRAYAGG)\s*\(|\bIS\s+(?:NOT\s+)?JSON\b/i),
  },
  {
    id: 'icu-rules', description: 'ICU collation rules', firstMajor: 16, onOlder: 'error',
    detect: (o) => (o.kind === 'collation' && o.icuRules !== null ? ['rules'] : []),
  },
  {
    id: 'sql-json-query-functions', description: 'SQL/JSON query functions (JSON_TABLE, JSON_QUERY, JSON_VALUE, JSON_EXISTS)', firstMajor: 17, onOlder: 'error',
    detect: byPattern(/\b(?:JSON_TABLE|JSON_QUERY|JSON_VALUE|JSON_EXISTS|JSON_SCALAR|JSON_SERIALIZE)\s*\(|\bJSON\s*\(/i),
  },
  {
    id: 'builtin-collation-provider', description: 'the builtin collation provider', firstMajor: 17, onOlder: 'error',
    detect: (o) => (o.kind === 'collation' && o.provider === 'b' ? ['provider builtin'] : []),
  },
  {
    id: 'identity-on-partitioned-table', description: 'identity columns on partitioned tables', firstMajor: 17, onOlder: 'error',
    detect: (o) => (o.kind === 'table' && (o.partitionKey !== null || o.partitionOf !== null) ? o.columns.filter((c) => c.identity !== null).map((c) => `column ${c.name}`) : []),
  },
  {
    id: 'maintain-privilege', description: 'the MAINTAIN privilege', firstMajor: 17, onOlder: 'drop',
    // The owner's own MAINTAIN is part of its default privileges on 17+: only grants to others are worth a warning.
    detect: (o) => (o.acl ?? []).filter((e) => e.grantee !== o.owner && e.privileges.includes('MAINTAIN'))
      .map((e) => `granted to ${e.grantee === '' ? 'PUBLIC' : e.grantee}`),
  },
  {
    id: 'virtual-generated-column', description: 'virtual generated columns', firstMajor: 18, onOlder: 'error',
    detect: (o) => (o.kind === 'table' ? o.columns.filter((c) => c.generated?.kind === 'v').map((c) => `column ${c.name}`) : []),
  },
  { id: 'uuidv7', description: 'uuidv7() (and uuidv4())', firstMajor: 18, onOlder: 'error', detect: byPattern(/\buuidv[47]\s*\(/) },
  { id: 'not-enforced-constraint', description: 'NOT ENFORCED constraints', firstMajor: 18, onOlder: 'error', detect: byPattern(/\bNOT ENFORCED\b/) },
  { id: 'temporal-key', description: 'temporal keys (WITHOUT OVERLAPS, PERIOD)', firstMajor: 18, onOlder: 'error', detect: byPattern(/\bWITHOUT OVERLAPS\b|\bPERIOD\s+\w/) },
  {
    id: 'named-not-null', description: 'named NOT NULL constraints', firstMajor: 18, onOlder: 'drop',
    // Every NOT NULL has a name on 18; only a name someone chose (not <table>_<column>_not_null) is worth a
    // warning, and an inherited column's constraint carries its parent's name (the parent warns).
    detect: (o) => (o.kind === 'table'
      ? o.columns.filter((c) => c.inheritedCount === 0 && c.notNullName !== null && c.notNullName !== `${o.name}_${c.name}_not_null`).map((c) => `column ${c.name} (${c.notNullName ?? ''})`) : []),
  },
];

/** The predefined roles and the first major that has them (grants to them, or owners, fail on older targets). */
export const PREDEFINED_ROLE_FIRST_MAJOR: Readonly<Record<string, number>> = {
  pg_database_owner: 14, pg_read_all_data: 14, pg_write_all_data: 14, pg_checkpoint: 15,
  pg_use_reserved_connections: 16, pg_create_subscription: 16, pg_maintain: 17,
};
