// CREATE DATABASE for a target database pgrepl makes: from template0 (the only template that accepts another
// encoding or locale), with the source's encoding and, where the target can take them, its locale settings. Pure.
import { quoteIdent, quoteLiteral } from '../../sql/quote.js';
import type { DdlStatement } from '../types.js';

/** PostgreSQL 15 added LOCALE_PROVIDER/ICU_LOCALE; 17 the builtin provider and BUILTIN_LOCALE. */
export const LOCALE_PROVIDER_FIRST_MAJOR = 15;
export const BUILTIN_PROVIDER_FIRST_MAJOR = 17;

export interface CreateDatabaseInput {
  readonly name: string;
  /** null: the role running the statement owns it. */
  readonly owner: string | null;
  readonly encoding: string;
  /** null: the template's (target's default) locale. */
  readonly collate: string | null;
  readonly ctype: string | null;
  /** null or 'c': libc. */
  readonly provider: 'c' | 'i' | 'b' | null;
  /** ICU or builtin locale, for those providers. */
  readonly locale: string | null;
  readonly targetMajor: number;
}

export function createDatabaseStatement(input: CreateDatabaseInput): DdlStatement {
  const parts = [`CREATE DATABASE ${quoteIdent(input.name)}`];
  if (input.owner !== null) parts.push(`OWNER ${quoteIdent(input.owner)}`);
  parts.push('TEMPLATE template0', `ENCODING ${quoteLiteral(input.encoding)}`);
  if (input.collate !== null) parts.push(`LC_COLLATE ${quoteLiteral(input.collate)}`);
  if (input.ctype !== null) parts.push(`LC_CTYPE ${quoteLiteral(input.ctype)}`);
  if (input.provider === 'i' && input.locale !== null && input.targetMajor >= LOCALE_PROVIDER_FIRST_MAJOR) {
    parts.push('LOCALE_PROVIDER icu', `ICU_LOCALE ${quoteLiteral(input.locale)}`);
  } else if (input.provider === 'b' && input.locale !== null && input.targetMajor >= BUILTIN_PROVIDER_FIRST_MAJOR) {
    parts.push('LOCALE_PROVIDER builtin', `BUILTIN_LOCALE ${quoteLiteral(input.locale)}`);
  }
  return { sql: parts.join(' '), transactional: false, phase: 'pre-data', object: `database:${quoteIdent(input.name)}` };
}

/** DROP DATABASE (destroy); WITH (FORCE) is not used: sessions still connected make it fail rather than be cut. */
export function dropDatabaseStatement(name: string): DdlStatement {
  return { sql: `DROP DATABASE ${quoteIdent(name)}`, transactional: false, phase: 'pre-data', object: `database:${quoteIdent(name)}`, destructive: true };
}
