// CREATE AGGREGATE text from pg_aggregate, which pg_get_functiondef refuses to print. Options at their
// defaults are left out, as pg_dump does, so two servers print the same text. Pure.
import { quoteIdent, quoteLiteral, quoteQualified } from '../../sql/quote.js';

export interface AggregateParts {
  /** pg_get_function_arguments: `integer` or, for ordered-set aggregates, `direct ORDER BY aggregated`. */
  readonly arguments: string;
  /** 'n' normal, 'o' ordered-set, 'h' hypothetical-set. */
  readonly kind: string;
  readonly parallel: string;
  readonly sfunc: string;
  readonly stype: string;
  readonly sspace: number;
  readonly finalfunc: string | null;
  readonly finalExtra: boolean;
  readonly finalModify: string;
  readonly combinefunc: string | null;
  readonly serialfunc: string | null;
  readonly deserialfunc: string | null;
  readonly initcond: string | null;
  readonly msfunc: string | null;
  readonly minvfunc: string | null;
  readonly mstype: string | null;
  readonly msspace: number;
  readonly mfinalfunc: string | null;
  readonly mfinalExtra: boolean;
  readonly mfinalModify: string;
  readonly minitcond: string | null;
  readonly sortop: readonly [string, string] | null;
}

const MODIFY: Readonly<Record<string, string>> = { r: 'READ_ONLY', s: 'SHAREABLE', w: 'READ_WRITE' };
const PARALLEL: Readonly<Record<string, string>> = { s: 'SAFE', r: 'RESTRICTED' };

export function aggregateDefinition(schema: string, name: string, a: AggregateParts): string {
  // Ordered-set aggregates default to READ_WRITE final functions, plain ones to READ_ONLY.
  const defaultModify = a.kind === 'n' ? 'r' : 'w';
  const options: string[] = [`SFUNC = ${a.sfunc}`, `STYPE = ${a.stype}`];
  if (a.sspace !== 0) options.push(`SSPACE = ${String(a.sspace)}`);
  if (a.finalfunc !== null) {
    options.push(`FINALFUNC = ${a.finalfunc}`);
    if (a.finalExtra) options.push('FINALFUNC_EXTRA');
    if (a.finalModify !== defaultModify) options.push(`FINALFUNC_MODIFY = ${MODIFY[a.finalModify] ?? a.finalModify}`);
  }
  if (a.combinefunc !== null) options.push(`COMBINEFUNC = ${a.combinefunc}`);
  if (a.serialfunc !== null) options.push(`SERIALFUNC = ${a.serialfunc}`);
  if (a.deserialfunc !== null) options.push(`DESERIALFUNC = ${a.deserialfunc}`);
  if (a.initcond !== null) options.push(`INITCOND = ${quoteLiteral(a.initcond)}`);
  if (a.msfunc !== null) {
    options.push(`MSFUNC = ${a.msfunc}`);
    if (a.minvfunc !== null) options.push(`MINVFUNC = ${a.minvfunc}`);
    if (a.mstype !== null) options.push(`MSTYPE = ${a.mstype}`);
    if (a.msspace !== 0) options.push(`MSSPACE = ${String(a.msspace)}`);
    if (a.mfinalfunc !== null) {
      options.push(`MFINALFUNC = ${a.mfinalfunc}`);
      if (a.mfinalExtra) options.push('MFINALFUNC_EXTRA');
      if (a.mfinalModify !== defaultModify) options.push(`MFINALFUNC_MODIFY = ${MODIFY[a.mfinalModify] ?? a.mfinalModify}`);
    }
    if (a.minitcond !== null) options.push(`MINITCOND = ${quoteLiteral(a.minitcond)}`);
  }
  if (a.sortop !== null) options.push(`SORTOP = OPERATOR(${quoteIdent(a.sortop[0])}.${a.sortop[1]})`);
  const parallel = PARALLEL[a.parallel];
  if (parallel !== undefined) options.push(`PARALLEL = ${parallel}`);
  if (a.kind === 'h') options.push('HYPOTHETICAL');
  return `CREATE OR REPLACE AGGREGATE ${quoteQualified(schema, name)}(${a.arguments}) (\n    ${options.join(',\n    ')}\n)`;
}
