// ALTER SEQUENCE: options, OWNED BY and persistence. Values are not schema: they move at cutover.
import type { SequenceObject, SequenceOptions } from '../../../model/schema.js';
import type { DdlStatement } from '../types.js';
import { quoteIdent } from '../../sql/quote.js';
import { qualifiedName } from './object-name.js';
import { ddl } from './statement.js';

/** Only the options that differ, so a plan shows what moved. */
export function alterSequenceOptions(seq: SequenceObject, desired: SequenceOptions, actual: SequenceOptions): DdlStatement[] {
  const parts: string[] = [];
  if (desired.dataType !== actual.dataType) parts.push(`AS ${desired.dataType}`);
  if (desired.start !== actual.start) parts.push(`START WITH ${desired.start}`);
  if (desired.increment !== actual.increment) parts.push(`INCREMENT BY ${desired.increment}`);
  if (desired.min !== actual.min) parts.push(`MINVALUE ${desired.min}`);
  if (desired.max !== actual.max) parts.push(`MAXVALUE ${desired.max}`);
  if (desired.cache !== actual.cache) parts.push(`CACHE ${desired.cache}`);
  if (desired.cycle !== actual.cycle) parts.push(desired.cycle ? 'CYCLE' : 'NO CYCLE');
  return parts.length === 0 ? [] : [ddl(seq.key, `ALTER SEQUENCE ${qualifiedName(seq)} ${parts.join(' ')}`, 'pre-data')];
}

/** `OWNED BY table.column` / `OWNED BY NONE`; `tableSql` is the table's qualified name. */
export function setSequenceOwnedBy(seq: SequenceObject, owner: { readonly tableSql: string; readonly column: string } | null): DdlStatement {
  const what = owner === null ? 'NONE' : `${owner.tableSql}.${quoteIdent(owner.column)}`;
  return ddl(seq.key, `ALTER SEQUENCE ${qualifiedName(seq)} OWNED BY ${what}`, 'post-data');
}

export function setSequencePersistence(seq: SequenceObject, persistence: SequenceObject['persistence']): DdlStatement {
  return ddl(seq.key, `ALTER SEQUENCE ${qualifiedName(seq)} SET ${persistence === 'u' ? 'UNLOGGED' : 'LOGGED'}`, 'pre-data');
}
