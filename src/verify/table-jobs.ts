// What to check for one table in scope, decided from the models and the state (pure): the columns both sides have
// (source order; a spec column list narrows them), the key (primary key, else the replica identity index; FULL or
// none without a primary key = keyless), FROM ONLY or the partition tree, and the filter the rows were copied under
// as the state records it (the anchored window literal, never now()).
import { rowsAddress } from '../model/address.js';
import type { ObjectKey, SchemaModel, TableObject } from '../model/schema.js';
import { rowsRecord } from '../plan/planner/state-records.js';
import { identityColumns } from '../plan/planner/stream-filter.js';
import { quoteQualified } from '../pg/sql/quote.js';
import type { DatabaseSpec } from '../spec/model.js';
import type { StateDocument } from '../state/state-document.js';
import { resourceFinder } from '../state/state-edits.js';
import type { TableJob } from './verify-table.js';

// Indexes of the models and states tableJob is called with, built once each: verify calls it for every table in
// scope, and a scan of the model's objects and the state's resources per table took 52 s of node's CPU on 8,000
// tables (32,000 objects).
const objectIndexes = new WeakMap<SchemaModel, ReadonlyMap<ObjectKey, SchemaModel['objects'][number]>>();
const resourceIndexes = new WeakMap<StateDocument, ReturnType<typeof resourceFinder>>();

function tableOf(model: SchemaModel | null, key: ObjectKey): TableObject | null {
  if (model === null) return null;
  let index = objectIndexes.get(model);
  if (index === undefined) {
    index = new Map(model.objects.map((o) => [o.key, o]));
    objectIndexes.set(model, index);
  }
  const o = index.get(key);
  return o?.kind === 'table' ? o : null;
}

function findResource(state: StateDocument, address: string): ReturnType<ReturnType<typeof resourceFinder>> {
  let find = resourceIndexes.get(state);
  if (find === undefined) {
    find = resourceFinder(state);
    resourceIndexes.set(state, find);
  }
  return find(address);
}

/** Primary key first (it orders and bisects best), else the replica identity index; null when neither exists. */
function keyOf(t: TableObject): readonly string[] | null {
  const pk = t.constraints.find((c) => c.type === 'p');
  if (pk !== undefined) {
    const cols = identityColumns({ ...t, replicaIdentity: 'd' });
    if (Array.isArray(cols) && cols.length > 0) return cols;
  }
  const ri = identityColumns(t);
  return Array.isArray(ri) && ri.length > 0 ? ri : null;
}

export function tableJob(db: DatabaseSpec, key: ObjectKey, source: SchemaModel, target: SchemaModel | null, state: StateDocument | null, rowEstimate: number | null = null): TableJob | null {
  const t = tableOf(source, key);
  if (t === null) return null;
  const schema = t.schema as string;
  const display = quoteQualified(schema, t.name);
  const notes: string[] = [];
  const base = { display, schema, name: t.name, only: t.partitionKey === null };
  const fail = (error: string): TableJob => ({ ...base, columns: [], key: null, filter: null, notes, error });

  const record = state === null ? null : rowsRecord(findResource(state, rowsAddress(db.key, schema, t.name)));
  let filter: string | null;
  if (record !== null) {
    filter = record.filter;
    if (record.status === 'copying') notes.push('the state records this copy as unfinished (copying)');
  } else {
    if (db.timeFilters.some((f) => f.schema === schema && f.table === t.name)) {
      return fail('no copy of this table is recorded in the state, so its time window has no anchor yet: run pgrepl apply first');
    }
    filter = db.tableFilters.find((f) => f.schema === schema && f.table === t.name)?.where ?? null;
    notes.push('no copy of this table is recorded in the state');
  }

  const tt = tableOf(target, key);
  if (tt === null) return { ...fail(`${display} is missing on the target database ${db.targetDatabase}`), filter };
  const listed = db.columnLists.find((c) => c.schema === schema && c.table === t.name)?.columns ?? null;
  const wanted = t.columns.filter((c) => listed === null || listed.includes(c.name));
  const onTarget = new Set(tt.columns.map((c) => c.name));
  const columns = wanted.filter((c) => onTarget.has(c.name)).map((c) => c.name);
  const lacking = wanted.filter((c) => !onTarget.has(c.name)).map((c) => c.name);
  if (lacking.length > 0) notes.push(`not on the target, not compared: ${lacking.join(', ')}`);
  const extraCols = tt.columns.filter((c) => !t.columns.some((s) => s.name === c.name)).map((c) => c.name);
  if (extraCols.length > 0) notes.push(`only on the target, not compared: ${extraCols.join(', ')}`);

  const keyNames = keyOf(t);
  let keyCols: TableJob['key'] = null;
  if (keyNames !== null) {
    const cols = keyNames.map((n) => t.columns.find((c) => c.name === n));
    if (cols.every((c) => c !== undefined && onTarget.has(c.name))) keyCols = cols.map((c) => ({ name: (c as { name: string }).name, type: (c as { type: string }).type }));
    else notes.push('the key is not on the target: compared as a keyless table');
  }
  return { ...base, columns, key: keyCols, filter, notes, rowEstimate };
}
