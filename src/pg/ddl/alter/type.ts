// ALTER TYPE / ALTER DOMAIN: enum values, domain defaults and constraints, composite attributes.
import type { CompositeAttribute, DomainConstraint, TypeObject } from '../../../model/schema.js';
import type { DdlStatement } from '../types.js';
import { quoteIdent, quoteLiteral } from '../../sql/quote.js';
import { qualifiedName } from './object-name.js';
import { ddl } from './statement.js';

/**
 * `ADD VALUE 'x' BEFORE 'y'` / `AFTER 'y'`. The new value cannot be used in the transaction that added it, so the
 * statement is committed before anything else runs.
 */
export function addEnumValue(type: TypeObject, label: string, position: { readonly before: string } | { readonly after: string } | null): DdlStatement {
  const where = position === null ? '' : 'before' in position ? ` BEFORE ${quoteLiteral(position.before)}` : ` AFTER ${quoteLiteral(position.after)}`;
  return ddl(type.key, `ALTER TYPE ${qualifiedName(type)} ADD VALUE ${quoteLiteral(label)}${where}`, 'pre-data', { commitAfter: true });
}

export function setDomainDefault(type: TypeObject, expression: string | null): DdlStatement {
  return ddl(type.key, `ALTER DOMAIN ${qualifiedName(type)} ${expression === null ? 'DROP DEFAULT' : `SET DEFAULT ${expression}`}`, 'pre-data');
}

export function setDomainNotNull(type: TypeObject, notNull: boolean): DdlStatement {
  return ddl(type.key, `ALTER DOMAIN ${qualifiedName(type)} ${notNull ? 'SET' : 'DROP'} NOT NULL`, 'pre-data');
}

/** The definition carries NOT VALID when the constraint was not validated. */
export function addDomainConstraint(type: TypeObject, c: DomainConstraint): DdlStatement {
  return ddl(type.key, `ALTER DOMAIN ${qualifiedName(type)} ADD CONSTRAINT ${quoteIdent(c.name)} ${c.definition}`, 'pre-data');
}

export function dropDomainConstraint(type: TypeObject, name: string): DdlStatement {
  return ddl(type.key, `ALTER DOMAIN ${qualifiedName(type)} DROP CONSTRAINT ${quoteIdent(name)}`, 'pre-data');
}

export function validateDomainConstraint(type: TypeObject, name: string): DdlStatement {
  return ddl(type.key, `ALTER DOMAIN ${qualifiedName(type)} VALIDATE CONSTRAINT ${quoteIdent(name)}`, 'post-data');
}

export function commentOnDomainConstraint(type: TypeObject, name: string, comment: string | null): DdlStatement {
  const text = comment === null ? 'NULL' : quoteLiteral(comment);
  return ddl(type.key, `COMMENT ON CONSTRAINT ${quoteIdent(name)} ON DOMAIN ${qualifiedName(type)} IS ${text}`, 'post-data');
}

function attributeSql(a: CompositeAttribute): string {
  return `${quoteIdent(a.name)} ${a.type}${a.collation === null ? '' : ` COLLATE ${a.collation}`}`;
}

export function addAttribute(type: TypeObject, a: CompositeAttribute): DdlStatement {
  return ddl(type.key, `ALTER TYPE ${qualifiedName(type)} ADD ATTRIBUTE ${attributeSql(a)}`, 'pre-data');
}

/** Values stored in columns of this type lose the attribute. */
export function dropAttribute(type: TypeObject, name: string): DdlStatement {
  return ddl(type.key, `ALTER TYPE ${qualifiedName(type)} DROP ATTRIBUTE ${quoteIdent(name)}`, 'pre-data', { destructive: true });
}

export function alterAttributeType(type: TypeObject, a: CompositeAttribute): DdlStatement {
  const collate = a.collation === null ? '' : ` COLLATE ${a.collation}`;
  return ddl(type.key, `ALTER TYPE ${qualifiedName(type)} ALTER ATTRIBUTE ${quoteIdent(a.name)} TYPE ${a.type}${collate}`, 'pre-data',
    { destructive: true });
}
