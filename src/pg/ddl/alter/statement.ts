// The one constructor of ALTER statements, so every builder marks phase and destructiveness the same way.
import type { ObjectKey } from '../../../model/schema.js';
import type { DdlPhase, DdlStatement } from '../types.js';

export function ddl(object: ObjectKey, sql: string, phase: DdlPhase, flags: { destructive?: boolean; commitAfter?: boolean } = {}): DdlStatement {
  return {
    sql,
    transactional: true,
    phase,
    object,
    ...(flags.commitAfter === true ? { commitAfter: true } : {}),
    ...(flags.destructive === true ? { destructive: true } : {}),
  };
}
