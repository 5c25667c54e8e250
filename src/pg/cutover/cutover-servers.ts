// The cutover's view of both servers: one session per source database and one per target database, opened on
// first use and all ended by close() (also on error). The logic in src/cutover calls these operations and never
// sees a client or SQL text.
import type pg from 'pg';
import { connect } from '../session.js';
import type { ConnInfo } from '../conninfo/index.js';
import { fenceStatement, readFenceActor, readFenceRoles, runRoleStatements, sessionsStartedBefore, terminateRoleSessions, undoStatements, type FenceActorRow, type FenceRoleRow, type FenceSqlMode, type RoleSession } from './fence-sql.js';
import { disableSubscription, dropSlot, dropSubscription, slotState } from './handoff-sql.js';
import { currentWalLsn, readSlot, readSubscription, slotPassed, type SlotFacts, type SubscriptionFacts } from './readiness-sql.js';
import { listSequences, readSequenceValues, setSequences, type SequenceRow, type SequenceValue, type SetvalRow } from './sequences-sql.js';

export type { FenceActorRow, FenceRoleRow, FenceSqlMode, RoleSession, SlotFacts, SubscriptionFacts, SequenceRow, SequenceValue, SetvalRow };

export interface CutoverServers {
  readSubscription(targetDb: string, name: string): Promise<SubscriptionFacts>;
  /** Cluster-wide source reads run in `sourceDb` (any database of the source). */
  readSlot(sourceDb: string, slot: string): Promise<SlotFacts>;
  currentWalLsn(sourceDb: string): Promise<string>;
  slotPassed(sourceDb: string, slot: string, lsn: string): Promise<{ readonly passed: boolean; readonly confirmedFlushLsn: string | null } | null>;
  readFenceActor(sourceDb: string): Promise<FenceActorRow>;
  readFenceRoles(sourceDb: string, roles: readonly string[]): Promise<FenceRoleRow[]>;
  /** ALTER ROLE … for every role in one READ WRITE transaction; returns the source's time after the commit. */
  fenceRoles(sourceDb: string, mode: FenceSqlMode, roles: readonly string[]): Promise<string>;
  undoFence(sourceDb: string, mode: FenceSqlMode, roles: readonly { readonly name: string; readonly previous: { readonly login: boolean; readonly read_only: string | null } }[]): Promise<void>;
  terminateSessions(sourceDb: string, roles: readonly string[], since: string): Promise<RoleSession[]>;
  sessionsStartedBefore(sourceDb: string, roles: readonly string[], since: string): Promise<RoleSession[]>;
  listSequences(side: 'source' | 'target', database: string): Promise<SequenceRow[]>;
  readSequenceValues(sourceDb: string, sequences: readonly { readonly schema: string; readonly name: string }[]): Promise<SequenceValue[]>;
  setSequences(targetDb: string, values: readonly SetvalRow[]): Promise<number>;
  disableSubscription(targetDb: string, name: string): Promise<boolean>;
  dropSubscription(targetDb: string, name: string): Promise<void>;
  slotState(sourceDb: string, slot: string): Promise<{ readonly exists: boolean; readonly active: boolean }>;
  dropSlot(sourceDb: string, slot: string): Promise<void>;
  close(): Promise<void>;
}

export function openCutoverServers(source: ConnInfo, target: ConnInfo, env: NodeJS.ProcessEnv): CutoverServers {
  const open = new Map<string, Promise<pg.Client>>();
  const get = (side: 'source' | 'target', database: string): Promise<pg.Client> => {
    const key = `${side}\0${database}`;
    let p = open.get(key);
    if (p === undefined) {
      p = connect(side === 'source' ? source : target, { side, database, env });
      open.set(key, p);
      // A failed connect is not kept: the caller sees the error, a later call tries again.
      p.catch(() => open.delete(key));
    }
    return p;
  };
  const src = (db: string): Promise<pg.Client> => get('source', db);
  const tgt = (db: string): Promise<pg.Client> => get('target', db);
  return {
    readSubscription: async (db, name) => readSubscription(await tgt(db), name),
    readSlot: async (db, slot) => readSlot(await src(db), slot),
    currentWalLsn: async (db) => currentWalLsn(await src(db)),
    slotPassed: async (db, slot, lsn) => slotPassed(await src(db), slot, lsn),
    readFenceActor: async (db) => readFenceActor(await src(db)),
    readFenceRoles: async (db, roles) => readFenceRoles(await src(db), roles),
    fenceRoles: async (db, mode, roles) => runRoleStatements(await src(db), roles.map((r) => fenceStatement(mode, r))),
    undoFence: async (db, mode, roles) => {
      await runRoleStatements(await src(db), roles.flatMap((r) => undoStatements(mode, r.name, r.previous)));
    },
    terminateSessions: async (db, roles, since) => terminateRoleSessions(await src(db), roles, since),
    sessionsStartedBefore: async (db, roles, since) => sessionsStartedBefore(await src(db), roles, since),
    listSequences: async (side, db) => listSequences(await get(side, db)),
    readSequenceValues: async (db, seqs) => readSequenceValues(await src(db), seqs),
    setSequences: async (db, values) => setSequences(await tgt(db), values),
    disableSubscription: async (db, name) => disableSubscription(await tgt(db), name),
    dropSubscription: async (db, name) => dropSubscription(await tgt(db), name),
    slotState: async (db, slot) => slotState(await src(db), slot),
    dropSlot: async (db, slot) => dropSlot(await src(db), slot),
    async close() {
      const all = [...open.values()];
      open.clear();
      await Promise.all(all.map(async (p) => (await p.catch(() => null))?.end().catch(() => undefined)));
    },
  };
}
