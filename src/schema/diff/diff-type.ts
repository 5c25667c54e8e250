// Types: enum values can only be added (ADD VALUE, committed before use); domains and composites alter in place;
// anything else (a removed or reordered enum value, a changed base or range type) is a replacement.
import type { CompositeType, DomainType, EnumType, TypeObject } from '../../model/schema.js';
import {
  addAttribute, addDomainConstraint, addEnumValue, alterAttributeType, commentOnDomainConstraint, dropAttribute,
  dropDomainConstraint, setDomainDefault, setDomainNotNull, validateDomainConstraint,
} from '../../pg/ddl/alter/type.js';
import { quoteIdent, quoteLiteral } from '../../pg/sql/quote.js';
import type { ChangeBuilder } from './change-builder.js';

/** True when `have` keeps its order inside `want` (so only additions are needed). */
function isOrderedSubset(have: readonly string[], want: readonly string[]): boolean {
  let i = 0;
  for (const label of want) if (label === have[i]) i++;
  return i === have.length && new Set(have).size === have.length;
}

function diffEnum(t: TypeObject, d: EnumType, a: EnumType, out: ChangeBuilder): void {
  if (!isOrderedSubset(a.labels, d.labels)) {
    const removed = a.labels.filter((l) => !d.labels.includes(l));
    out.replace(removed.length > 0
      ? `enum values removed: ${removed.map(quoteLiteral).join(', ')} (a value cannot be dropped; a rename cannot be told from drop + add)`
      : 'enum values reordered (values cannot be moved)');
    return;
  }
  const present = new Set(a.labels);
  d.labels.forEach((label, i) => {
    if (present.has(label)) return;
    // Each value goes next to one that exists by then: the one before it, or for the first, the one after it.
    const after = d.labels[i - 1];
    const before = d.labels[i + 1];
    const position = after !== undefined ? { after } : before !== undefined ? { before } : null;
    out.add(`enum value ${quoteLiteral(label)} added`, [addEnumValue(t, label, position)]);
    present.add(label);
  });
}

function diffDomain(t: TypeObject, d: DomainType, a: DomainType, out: ChangeBuilder): void {
  if (d.baseType !== a.baseType || d.collation !== a.collation) {
    out.replace(`domain base type ${a.baseType} -> ${d.baseType}${d.collation === a.collation ? '' : ' or collation changed'}`);
    return;
  }
  if (d.default !== a.default) out.add(`default ${a.default ?? 'none'} -> ${d.default ?? 'none'}`, [setDomainDefault(t, d.default)]);
  if (d.notNull !== a.notNull) out.add(`${d.notNull ? 'SET' : 'DROP'} NOT NULL`, [setDomainNotNull(t, d.notNull)]);
  const have = new Map(a.constraints.map((c) => [c.name, c]));
  const want = new Map(d.constraints.map((c) => [c.name, c]));
  const shape = (def: string): string => def.replace(/ NOT VALID$/, '');
  for (const [name, c] of have) {
    const w = want.get(name);
    if (w === undefined) out.add(`constraint ${quoteIdent(name)} dropped`, [], [dropDomainConstraint(t, name)]);
    else if (shape(w.definition) !== shape(c.definition) || (!w.validated && c.validated)) {
      out.add(`constraint ${quoteIdent(name)} changed`, [addDomainConstraint(t, w)], [dropDomainConstraint(t, name)]);
      if (w.comment !== null) out.add(`constraint ${quoteIdent(name)}: comment`, [commentOnDomainConstraint(t, name, w.comment)]);
    } else {
      if (w.validated && !c.validated) out.add(`constraint ${quoteIdent(name)} validated`, [validateDomainConstraint(t, name)]);
      if (w.comment !== c.comment) out.add(`constraint ${quoteIdent(name)}: comment changed`, [commentOnDomainConstraint(t, name, w.comment)]);
    }
  }
  for (const [name, c] of want) {
    if (have.has(name)) continue;
    out.add(`constraint ${quoteIdent(name)} added`, [addDomainConstraint(t, c)]);
    if (c.comment !== null) out.add(`constraint ${quoteIdent(name)}: comment`, [commentOnDomainConstraint(t, name, c.comment)]);
  }
}

function diffComposite(t: TypeObject, d: CompositeType, a: CompositeType, out: ChangeBuilder): void {
  const have = new Map(a.attributes.map((x) => [x.name, x]));
  const wantNames = new Set(d.attributes.map((x) => x.name));
  for (const x of a.attributes) if (!wantNames.has(x.name)) out.add(`attribute ${quoteIdent(x.name)} dropped`, [], [dropAttribute(t, x.name)]);
  for (const x of d.attributes) {
    const h = have.get(x.name);
    if (h === undefined) out.add(`attribute ${quoteIdent(x.name)} added`, [addAttribute(t, x)]);
    else if (h.type !== x.type || h.collation !== x.collation) out.add(`attribute ${quoteIdent(x.name)}: type ${h.type} -> ${x.type}`, [alterAttributeType(t, x)]);
  }
}

export function diffType(d: TypeObject, a: TypeObject, out: ChangeBuilder): void {
  const dt = d.type;
  const at = a.type;
  if (dt.variant === 'enum' && at.variant === 'enum') diffEnum(d, dt, at, out);
  else if (dt.variant === 'domain' && at.variant === 'domain') diffDomain(d, dt, at, out);
  else if (dt.variant === 'composite' && at.variant === 'composite') diffComposite(d, dt, at, out);
  else if (JSON.stringify(dt) !== JSON.stringify(at)) out.replace(dt.variant === at.variant ? `${dt.variant} type definition changed` : `${at.variant} type -> ${dt.variant} type`);
}
