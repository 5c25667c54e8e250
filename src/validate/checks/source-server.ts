// Source settings logical replication needs: wal_level = logical, and free replication slots and walsenders for
// one slot (and one walsender) per synced database.
import type { ServerFacts, SlotFacts } from '../../pg/catalog/validate/types.js';
import type { DatabaseSpec } from '../../spec/model.js';
import { fail, ok, skip, type CheckResult } from '../result.js';

const RDS_NOTE =
  'On Amazon RDS / Aurora: set rds.logical_replication = 1 in the DB parameter group and reboot ' +
  '(on other managed services, their "logical decoding" flag).';

/** A slot pgrepl already made for this database (a re-run after apply needs no new one). */
export function isOwnSlot(slot: SlotFacts, db: DatabaseSpec): boolean {
  if (slot.database !== db.key || slot.type !== 'logical') return false;
  return db.names.slot !== undefined ? slot.name === db.names.slot : slot.name.startsWith('pgrepl_');
}

export function checkWalLevel(facts: ServerFacts | null, synced: readonly DatabaseSpec[]): CheckResult {
  const id = 'source.wal_level';
  if (!facts) return skip(id, 'the source is unreachable', { subject: 'source' });
  const level = facts.settings.wal_level ?? 'unknown';
  if (level === 'logical') return ok(id, 'wal_level = logical', { subject: 'source' });
  const message = `wal_level is ${level}; logical replication needs logical (a server restart is needed to change it)`;
  const fix = ['ALTER SYSTEM SET wal_level = logical;', '-- then restart the source server', RDS_NOTE];
  if (synced.length === 0) {
    return ok(id, `wal_level is ${level}: enough, since no database is synced`, { subject: 'source' });
  }
  return fail(id, message, { subject: 'source', fix, details: { wal_level: level } });
}

function setting(facts: ServerFacts, name: 'max_replication_slots' | 'max_wal_senders'): number {
  return Number(facts.settings[name] ?? '0');
}

export function checkSlots(facts: ServerFacts | null, synced: readonly DatabaseSpec[]): CheckResult {
  const id = 'source.replication_slots';
  if (!facts) return skip(id, 'the source is unreachable', { subject: 'source' });
  if (synced.length === 0) return skip(id, 'no database is synced, so no slot is needed', { subject: 'source' });
  const max = setting(facts, 'max_replication_slots');
  const used = facts.slots.length;
  const needed = synced.filter((db) => !facts.slots.some((s) => isOwnSlot(s, db))).length;
  const free = Math.max(0, max - used);
  const details = { max_replication_slots: max, used, needed };
  if (needed > free) {
    return fail(
      id,
      `max_replication_slots = ${max} with ${used} in use leaves ${free} free; ${needed} more needed (one per synced database)`,
      {
        subject: 'source',
        fix: [`ALTER SYSTEM SET max_replication_slots = ${used + needed};`, '-- then restart the source server'],
        details,
      },
    );
  }
  return ok(id, `${free} of ${max} replication slots free, ${needed} needed`, { subject: 'source', details });
}

export function checkWalSenders(facts: ServerFacts | null, synced: readonly DatabaseSpec[]): CheckResult {
  const id = 'source.wal_senders';
  if (!facts) return skip(id, 'the source is unreachable', { subject: 'source' });
  if (synced.length === 0) return skip(id, 'no database is synced, so no walsender is needed', { subject: 'source' });
  const max = setting(facts, 'max_wal_senders');
  const used = facts.walSenders;
  // A synced database whose slot is already streaming holds its walsender already.
  const needed = synced.filter((db) => !facts.slots.some((s) => isOwnSlot(s, db) && s.active)).length;
  const free = Math.max(0, max - used);
  const details = { max_wal_senders: max, used, needed };
  if (needed > free) {
    return fail(
      id,
      `max_wal_senders = ${max} with ${used} in use leaves ${free} free; ${needed} more needed (one per synced database)`,
      {
        subject: 'source',
        fix: [`ALTER SYSTEM SET max_wal_senders = ${used + needed};`, '-- then restart the source server'],
        details,
      },
    );
  }
  return ok(id, `${free} of ${max} walsenders free, ${needed} needed`, { subject: 'source', details });
}
