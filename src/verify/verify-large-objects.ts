// verify's check of a database's large objects (large_objects: true): the comparison (src/pg/verify/large-objects.ts)
// against the oids the state says pgrepl made there, as a LargeObjectsReport; a failure to read is the report's
// error, not verify's.
import { largeObjectsAddress } from '../model/address.js';
import { largeObjectsRecord } from '../plan/planner/state-records.js';
import type { ConnInfo } from '../pg/conninfo/index.js';
import { compareLargeObjects } from '../pg/verify/large-objects.js';
import type { DatabaseSpec } from '../spec/model.js';
import type { StateDocument } from '../state/state-document.js';
import { findResource } from '../state/state-edits.js';
import type { LargeObjectsReport } from './types.js';

export async function verifyLargeObjects(
  input: { readonly source: ConnInfo; readonly target: ConnInfo; readonly env: NodeJS.ProcessEnv }, db: DatabaseSpec, state: StateDocument | null,
): Promise<LargeObjectsReport> {
  const started = performance.now();
  const record = largeObjectsRecord(state === null ? undefined : findResource(state, largeObjectsAddress(db.key)));
  const recorded = record !== null && record.target_database === db.targetDatabase ? record.oids : [];
  const notes = db.sync ? ['logical replication does not carry large objects: changes on the source since the copy show here'] : [];
  const seconds = (): number => Math.round(performance.now() - started) / 1000;
  try {
    const c = await compareLargeObjects({ source: input.source, target: input.target, sourceDatabase: db.key, targetDatabase: db.targetDatabase, recorded, env: input.env });
    const differ = c.counts.missing + c.counts.changed + c.counts.extra > 0;
    return {
      outcome: differ ? 'different' : 'equal', count: { source: c.source, target: c.target }, missing: c.missing, changed: c.changed, extra: c.extra,
      counts: c.counts, notes, error: null, seconds: seconds(),
    };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return {
      outcome: 'error', count: { source: 0, target: 0 }, missing: [], changed: [], extra: [], counts: { missing: 0, changed: 0, extra: 0 }, notes,
      error: `${e instanceof Error ? e.message : String(e)}${typeof code === 'string' ? ` (SQLSTATE ${code})` : ''}`,
      seconds: seconds(),
    };
  }
}
