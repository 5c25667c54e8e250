// Functions and procedures: `pg_get_functiondef` is already a complete CREATE OR REPLACE statement.
import type { FunctionObject, StatisticsObject } from '../../../model/schema.js';
import type { DdlStatement } from '../types.js';
import { qualifiedName } from './object-name.js';
import { ddl } from './statement.js';

/** Replaces the body and attributes in place; the caller checks that signature and result type are unchanged. */
export function replaceFunction(fn: FunctionObject): DdlStatement {
  return ddl(fn.key, fn.definition.trim().replace(/;$/, ''), 'pre-data');
}

/** 13+: `ALTER STATISTICS … SET STATISTICS n` (-1 = the default). */
export function setStatisticsTarget(stat: StatisticsObject, target: number | null): DdlStatement {
  return ddl(stat.key, `ALTER STATISTICS ${qualifiedName(stat)} SET STATISTICS ${String(target ?? -1)}`, 'post-data');
}
