// Pre-data for user-defined casts, operators, operator families and classes.
import type { CastObject, OperatorFamilyObject, OperatorObject } from '../../../model/schema.js';
import { quoteIdent } from '../../sql/quote.js';
import { RANK } from '../build-context.js';
import { createId, ddlNode, type DdlNode } from '../node.js';
import { functionSqlName, keySqlName } from '../object-sql.js';

export function castNodes(c: CastObject): DdlNode[] {
  const how = c.method === 'i' ? 'WITH INOUT' : c.method === 'b' || c.function === null ? 'WITHOUT FUNCTION' : `WITH FUNCTION ${keySqlName(c.function)}`;
  const context = c.context === 'a' ? ' AS ASSIGNMENT' : c.context === 'i' ? ' AS IMPLICIT' : '';
  const after = [...c.deps, ...(c.function === null ? [] : [c.function])].map(createId);
  return [ddlNode(c.key, 'create', 'pre-data', RANK.cast, `CREATE CAST (${c.source} AS ${c.target}) ${how}${context}`, after)];
}

/**
 * COMMUTATOR/NEGATOR take `OPERATOR(schema.op)`; the model holds regoperator text `schema.op(left,right)`,
 * whose argument list goes (operator names cannot hold '(').
 */
function operatorRef(regoperator: string): string {
  return `OPERATOR(${functionSqlName(`operator:${regoperator}`)})`;
}

export function operatorNodes(o: OperatorObject): DdlNode[] {
  const opts = [`FUNCTION = ${functionSqlName(o.function)}`];
  if (o.left !== null) opts.push(`LEFTARG = ${o.left}`);
  if (o.right !== null) opts.push(`RIGHTARG = ${o.right}`);
  if (o.commutator !== null) opts.push(`COMMUTATOR = ${operatorRef(o.commutator)}`);
  if (o.negator !== null) opts.push(`NEGATOR = ${operatorRef(o.negator)}`);
  if (o.restrict !== null) opts.push(`RESTRICT = ${o.restrict}`);
  if (o.join !== null) opts.push(`JOIN = ${o.join}`);
  if (o.hashes) opts.push('HASHES');
  if (o.merges) opts.push('MERGES');
  const name = `${quoteIdent(o.schema ?? 'public')}.${o.name}`;
  return [ddlNode(o.key, 'create', 'pre-data', RANK.operator, `CREATE OPERATOR ${name} (\n    ${opts.join(',\n    ')}\n)`, [...o.deps, o.function].map(createId))];
}

export function operatorFamilyNodes(o: OperatorFamilyObject): DdlNode[] {
  const name = `${quoteIdent(o.schema ?? 'public')}.${quoteIdent(o.name)}`;
  const using = `USING ${quoteIdent(o.accessMethod)}`;
  const after = [...o.deps, ...(o.family === null ? [] : [o.family])].map(createId);
  if (o.kind === 'opfamily') {
    const create = ddlNode(o.key, 'create', 'pre-data', RANK.opfamily, `CREATE OPERATOR FAMILY ${name} ${using}`, after);
    if (o.members.length === 0) return [create];
    // Loose members reference operators and functions created later than the family itself.
    return [create, ddlNode(o.key, 'members', 'pre-data', RANK.opfamilyMembers,
      `ALTER OPERATOR FAMILY ${name} ${using} ADD\n    ${o.members.join(',\n    ')}`, [create.id])];
  }
  const family = o.family === null ? '' : ` FAMILY ${keySqlName(o.family).replace(/ USING .*$/, '')}`;
  const items = [...o.members, ...(o.storageType === null ? [] : [`STORAGE ${o.storageType}`])];
  return [ddlNode(o.key, 'create', 'pre-data', RANK.opclass,
    `CREATE OPERATOR CLASS ${name}${o.isDefault ? ' DEFAULT' : ''} FOR TYPE ${o.inputType ?? 'unknown'} ${using}${family} AS\n    ${items.join(',\n    ')}`, after)];
}
