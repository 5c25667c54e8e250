// Where each operation of a plan runs, and at which point each step is finished (pure). Execution model:
//   0. `detach`, per database: replication objects taken apart (source SQL with order < 0, e.g. tables leaving a
//      publication; then the target's SQL, e.g. a subscription detached and dropped or refreshed; then slots dropped;
//      then source SQL with order >= 0, e.g. a publication dropped) - before the cluster stage, since a database
//      that holds a subscription cannot be dropped;
//   1. `cluster`: every cluster-stage sql operation, in step order, on the target's maintenance connection;
//   2. then per database of plan.databases, on a connection to the target database: teardown, pre-data (each by
//      `order`, ties by step index), the publication stage (source), the slot (its snapshot is the copy's), the data
//      stage (data-copy and sequence-values), post-data, the subscription stage (CREATE SUBSCRIPTION, then target
//      SQL), ANALYZE. Rows a subscription copies itself (`mode: native`) are finished at the subscription stage.
// A step is finished at the last checkpoint that holds one of its operations; a step without operations at the end
// of its database (or of the whole apply when it names no database).
import { parseAddress, type ResourceKind } from '../model/address.js';
import type {
  CreateSlotOperation, CreateSubscriptionOperation, DataCopyOperation, DropSlotOperation, LargeObjectsOperation, Plan, PlanDatabase, PlanStep, SequenceValuesOperation,
  SqlOperation,
} from '../plan/types.js';
import { PgreplError } from '../util/errors.js';

export type DatabasePhase = 'teardown' | 'pre-data' | 'publication' | 'slot' | 'data' | 'post-data' | 'subscription';

export const DATABASE_PHASES: readonly DatabasePhase[] = ['teardown', 'pre-data', 'publication', 'slot', 'data', 'post-data', 'subscription'];

/** A point after which finished steps are recorded: the cluster stage, a database's phase, or the very end. */
export type Checkpoint =
  | { readonly at: 'detach'; readonly database: number }
  | { readonly at: 'cluster'; readonly step: number }
  | { readonly at: 'database'; readonly database: number; readonly phase: DatabasePhase }
  | { readonly at: 'end' };

export interface SqlItem {
  readonly step: PlanStep;
  readonly op: SqlOperation;
}

export interface CopyItem {
  readonly step: PlanStep;
  readonly op: DataCopyOperation;
}

/** One operation of the detach stage, in the order it runs. */
export type DetachItem =
  | { readonly step: PlanStep; readonly op: SqlOperation }
  | { readonly step: PlanStep; readonly op: DropSlotOperation };

export interface SlotItem {
  readonly step: PlanStep;
  readonly op: CreateSlotOperation;
}

/** The subscription stage: CREATE SUBSCRIPTION first, then target SQL. */
export type SubscriptionItem =
  | { readonly step: PlanStep; readonly op: CreateSubscriptionOperation }
  | { readonly step: PlanStep; readonly op: SqlOperation };

export interface SequenceItem {
  readonly step: PlanStep;
  readonly op: SequenceValuesOperation;
}

export interface LargeObjectsItem {
  readonly step: PlanStep;
  readonly op: LargeObjectsOperation;
}

export interface DatabaseSchedule {
  readonly index: number;
  readonly database: PlanDatabase;
  readonly detach: readonly DetachItem[];
  readonly teardown: readonly SqlItem[];
  readonly preData: readonly SqlItem[];
  readonly copies: readonly CopyItem[];
  readonly sequences: readonly SequenceItem[];
  /** Steps with data-copy or sequence-values operations here (the `target.rows…` steps), in step order. */
  readonly dataSteps: readonly PlanStep[];
  readonly postData: readonly SqlItem[];
  /** Source SQL before the slot (CREATE/ALTER PUBLICATION). */
  readonly publication: readonly SqlItem[];
  readonly slot: SlotItem | null;
  readonly subscription: readonly SubscriptionItem[];
  /** Rows steps PostgreSQL's table sync copies (`after.mode === 'native'`): recorded at the subscription stage. */
  readonly nativeRows: readonly PlanStep[];
  /** The large objects, copied (or unlinked) in the data stage after the tables, in the same snapshot. */
  readonly largeObjects: LargeObjectsItem | null;
}

export interface Schedule {
  /** Cluster-stage operations, in step order (operations of one step in their order inside the step). */
  readonly cluster: readonly SqlItem[];
  readonly databases: readonly DatabaseSchedule[];
  /** Step index -> where it is finished. */
  readonly finishAt: ReadonlyMap<number, Checkpoint>;
}

export interface StepPlace {
  readonly kind: ResourceKind;
  /** The database key the address names; null for roles and other cluster-only resources. */
  readonly database: string | null;
}

/** The resource kind and database key of a step's address. */
export function stepPlace(address: string): StepPlace {
  const parts = parseAddress(address);
  if (parts.kind === 'role') return { kind: parts.kind, database: null };
  return { kind: parts.kind, database: parts.segments[0] ?? null };
}

function byOrder(a: SqlItem, b: SqlItem): number {
  return a.op.order - b.op.order || a.step.index - b.step.index;
}

const PHASE_RANK: Readonly<Record<DatabasePhase, number>> = { teardown: 0, 'pre-data': 1, publication: 2, slot: 3, data: 4, 'post-data': 5, subscription: 6 };

/** Total order of checkpoints: every database's detach, cluster steps, then databases in plan order and phases in order, then the end. */
export function checkpointRank(c: Checkpoint): number {
  if (c.at === 'detach') return -1_000_000 + c.database;
  if (c.at === 'cluster') return c.step;
  if (c.at === 'end') return Number.MAX_SAFE_INTEGER;
  return 1_000_000_000 + c.database * 10 + PHASE_RANK[c.phase];
}

export function sameCheckpoint(a: Checkpoint, b: Checkpoint): boolean {
  return checkpointRank(a) === checkpointRank(b);
}

/** Throws PgreplError for what this engine cannot run (replication objects come with the Sync issue). */
export function buildSchedule(plan: Plan): Schedule {
  const dbIndex = new Map(plan.databases.map((d, i) => [d.key, i]));
  const cluster: SqlItem[] = [];
  const perDb = plan.databases.map(() => ({
    teardown: [] as SqlItem[], preData: [] as SqlItem[], postData: [] as SqlItem[],
    copies: [] as CopyItem[], sequences: [] as SequenceItem[], dataSteps: [] as PlanStep[],
    detach: [] as { item: DetachItem; rank: number }[], publication: [] as SqlItem[], slot: null as SlotItem | null,
    creates: [] as SubscriptionItem[], subscriptionSql: [] as SqlItem[], nativeRows: [] as PlanStep[],
    largeObjects: null as LargeObjectsItem | null,
  }));
  const finishAt = new Map<number, Checkpoint>();
  const later = (step: PlanStep, c: Checkpoint): void => {
    const seen = finishAt.get(step.index);
    if (seen === undefined || checkpointRank(c) > checkpointRank(seen)) finishAt.set(step.index, c);
  };

  for (const step of plan.steps) {
    const place = stepPlace(step.address);
    const db = (): number => {
      const i = place.database === null ? undefined : dbIndex.get(place.database);
      if (i === undefined) {
        throw new PgreplError(`plan step ${step.index} (${step.address}) runs in database ${JSON.stringify(place.database)}, which is not in the plan's database list`);
      }
      return i;
    };
    const slot = (): (typeof perDb)[number] => perDb[db()] as (typeof perDb)[number];
    let isData = false;
    for (const op of step.operations) {
      switch (op.type) {
        case 'sql':
          if (op.stage === 'detach') {
            slot().detach.push({ item: { step, op }, rank: op.side === 'target' ? 1 : op.order < 0 ? 0 : 3 });
            later(step, { at: 'detach', database: db() });
            break;
          }
          if (op.stage === 'publication' || op.stage === 'subscription') {
            if (op.side !== (op.stage === 'publication' ? 'source' : 'target')) {
              throw new PgreplError(`plan step ${step.index} (${step.address}) runs ${op.stage} SQL on the ${op.side}`);
            }
            (op.stage === 'publication' ? slot().publication : slot().subscriptionSql).push({ step, op });
            later(step, { at: 'database', database: db(), phase: op.stage });
            break;
          }
          if (op.side !== 'target') {
            throw new PgreplError(`plan step ${step.index} (${step.address}) runs SQL on the source in the ${op.stage} stage`);
          }
          if (op.stage === 'cluster') {
            cluster.push({ step, op });
            later(step, { at: 'cluster', step: step.index });
          } else {
            const s = slot();
            (op.stage === 'teardown' ? s.teardown : op.stage === 'pre-data' ? s.preData : s.postData).push({ step, op });
            later(step, { at: 'database', database: db(), phase: op.stage });
          }
          break;
        case 'data-copy':
          slot().copies.push({ step, op });
          isData = true;
          later(step, { at: 'database', database: db(), phase: 'data' });
          break;
        case 'sequence-values':
          slot().sequences.push({ step, op });
          isData = true;
          later(step, { at: 'database', database: db(), phase: 'data' });
          break;
        case 'drop-slot':
          slot().detach.push({ item: { step, op }, rank: 2 });
          later(step, { at: 'detach', database: db() });
          break;
        case 'create-slot':
          if (slot().slot !== null) throw new PgreplError(`plan step ${step.index} (${step.address}) makes a second slot for one database`);
          slot().slot = { step, op };
          later(step, { at: 'database', database: db(), phase: 'slot' });
          break;
        case 'create-subscription':
          slot().creates.push({ step, op });
          later(step, { at: 'database', database: db(), phase: 'subscription' });
          break;
        case 'large-objects':
          if (slot().largeObjects !== null) throw new PgreplError(`plan step ${step.index} (${step.address}) copies large objects a second time for one database`);
          slot().largeObjects = { step, op };
          later(step, { at: 'database', database: db(), phase: 'data' });
          break;
      }
    }
    if (isData) slot().dataSteps.push(step);
    const after = step.after as { mode?: unknown } | null;
    if (place.kind === 'rows' && step.action !== 'delete' && after?.mode === 'native') {
      slot().nativeRows.push(step);
      later(step, { at: 'database', database: db(), phase: 'subscription' });
    }
    if (step.operations.length === 0) {
      const i = place.database === null ? undefined : dbIndex.get(place.database);
      later(step, i === undefined ? { at: 'end' } : { at: 'database', database: i, phase: 'post-data' });
    }
  }

  return {
    cluster,
    databases: plan.databases.map((database, index) => {
      const s = perDb[index] as (typeof perDb)[number];
      return {
        index, database, teardown: s.teardown.sort(byOrder), preData: s.preData.sort(byOrder), copies: s.copies,
        sequences: s.sequences, dataSteps: s.dataSteps, postData: s.postData.sort(byOrder),
        detach: s.detach.sort((a, b) => a.rank - b.rank || a.item.step.index - b.item.step.index).map((d) => d.item),
        publication: s.publication, slot: s.slot, subscription: [...s.creates, ...s.subscriptionSql], nativeRows: s.nativeRows,
        largeObjects: s.largeObjects,
      };
    }),
    finishAt,
  };
}

/** The steps finished at `c`, in step order. */
export function stepsFinishedAt(plan: Plan, schedule: Schedule, c: Checkpoint): readonly PlanStep[] {
  return plan.steps.filter((s) => {
    const f = schedule.finishAt.get(s.index);
    return f !== undefined && sameCheckpoint(f, c);
  });
}
