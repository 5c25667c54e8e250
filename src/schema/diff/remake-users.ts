// A function dropped (gone, or created again because its signature or result type changed) takes what calls it: the
// server refuses DROP FUNCTION while a column default, CHECK, index, trigger or policy uses it. Those parts of kept
// tables are dropped in teardown and made again (as desired) after the function is back. Uses are found in the
// deparsed text (`schema.name(`), which names every function schema-qualified.
import type { TableObject } from '../../model/schema.js';
import { setColumnDefault } from '../../pg/ddl/alter/column.js';
import { addConstraint, createIndex, createPolicy, createTrigger, dropConstraint, dropIndex, dropPolicy, dropTrigger } from '../../pg/ddl/alter/table.js';
import { functionSqlName } from '../../pg/ddl/object-sql.js';
import { quoteIdent } from '../../pg/sql/quote.js';
import type { ChangeBuilder } from './change-builder.js';

function calls(text: string | null, name: string): boolean {
  return text !== null && text.includes(`${name}(`);
}

/** Adds to `out` (the change of kept table `a` -> `d`) the drop and remake of every part that calls `fn`. */
export function remakeCallers(fn: string, d: TableObject, a: TableObject, out: ChangeBuilder): void {
  const name = functionSqlName(fn);
  const why = `calls ${fn}, which is dropped`;
  const done = new Set(out.teardown.map((s) => s.sql));
  const once = (teardownSql: string, reason: string, build: Parameters<ChangeBuilder['add']>[1], teardown: Parameters<ChangeBuilder['add']>[2]): void => {
    if (done.has(teardownSql)) return;
    done.add(teardownSql);
    out.add(reason, build, teardown);
  };
  for (const c of a.columns) {
    if (!calls(c.default, name)) continue;
    const want = d.columns.find((x) => x.name === c.name);
    const drop = setColumnDefault(a, c.name, null);
    once(drop.sql, `column ${quoteIdent(c.name)} default ${why}`, want?.default === null || want === undefined ? [] : [setColumnDefault(d, c.name, want.default)], [drop]);
  }
  for (const c of a.constraints.filter((x) => !x.inherited && calls(x.definition, name))) {
    const want = d.constraints.find((x) => x.name === c.name && !x.inherited);
    const drop = dropConstraint(a, c.name);
    once(drop.sql, `constraint ${quoteIdent(c.name)} ${why}`, want === undefined ? [] : [addConstraint(d, want)], [drop]);
  }
  for (const i of a.indexes.filter((x) => x.constraint === null && x.parentIndex === null && calls(x.definition, name))) {
    const want = d.indexes.find((x) => x.name === i.name);
    const drop = dropIndex(a, i.name);
    once(drop.sql, `index ${quoteIdent(i.name)} ${why}`, want === undefined ? [] : createIndex(d, want), [drop]);
  }
  for (const t of a.triggers.filter((x) => !x.inherited && calls(x.definition, name))) {
    const want = d.triggers.find((x) => x.name === t.name && !x.inherited);
    const drop = dropTrigger(a, t.name);
    once(drop.sql, `trigger ${quoteIdent(t.name)} ${why}`, want === undefined ? [] : createTrigger(d, want), [drop]);
  }
  for (const p of a.policies.filter((x) => calls(x.using, name) || calls(x.withCheck, name))) {
    const want = d.policies.find((x) => x.name === p.name);
    const drop = dropPolicy(a, p.name);
    once(drop.sql, `policy ${quoteIdent(p.name)} ${why}`, want === undefined ? [] : [createPolicy(d, want)], [drop]);
  }
}
