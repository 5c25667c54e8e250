// How checks name what they are about, and the SQL pieces their fix lines share.
import { quoteIdent, quoteQualified } from '../pg/sql/quote.js';

/** `shop.public.orders`; parts that need quoting in SQL are quoted the same way here. */
export function tableSubject(database: string, schema: string, table: string): string {
  return `${quoteIdent(database)}.${quoteQualified(schema, table)}`;
}

export function databaseSubject(database: string): string {
  return quoteIdent(database);
}

/** `15.10` from 150010, `12.22` from 120022. */
export function versionText(versionNum: number): string {
  return `${Math.floor(versionNum / 10000)}.${versionNum % 10000}`;
}

export function major(versionNum: number): number {
  return Math.floor(versionNum / 10000);
}

export { quoteIdent, quoteQualified };
