// Leftovers of the tool our users come from: `seren_migration_pub*` publications and `seren_migration_sub*`
// subscriptions (its guide also names them `seren_replication_*`), and their slots, which keep WAL on the source
// until its disk fills. Reported as warnings with the WAL they retain and how to remove them.
import type { DatabaseCatalog, ServerFacts, SlotFacts } from '../../pg/catalog/validate/types.js';
import { ok, skip, warn, type CheckResult } from '../result.js';
import { quoteIdent } from '../subjects.js';
import { quoteLiteral } from '../../pg/sql/quote.js';

const LEFTOVER = /^seren_(migration|replication)_/;

export function isLeftoverName(name: string): boolean {
  return LEFTOVER.test(name);
}

/** 1536 -> `1.5 kB`, PostgreSQL's pg_size_pretty style with 1024-based units. */
export function prettyBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return u === 0 ? `${v} bytes` : `${v.toFixed(1)} ${units[u]}`;
}

function slotResult(slot: SlotFacts): CheckResult {
  const retained = slot.retainedBytes === null ? 'an unknown amount of WAL' : `${prettyBytes(slot.retainedBytes)} of WAL`;
  const status = slot.walStatus ? `, wal_status ${slot.walStatus}` : '';
  const fix = slot.active
    ? ['-- the slot is in use: drop the subscription that reads it first (on the target), then:', `SELECT pg_drop_replication_slot(${quoteLiteral(slot.name)});`]
    : [`SELECT pg_drop_replication_slot(${quoteLiteral(slot.name)});`];
  return warn(
    'leftovers.seren',
    `replication slot ${slot.name}${slot.database ? ` (database ${slot.database})` : ''} left by the previous tool retains ${retained}${status}${slot.active ? ', and is active' : ''}`,
    { subject: 'source', fix, details: { slot: slot.name, retainedBytes: slot.retainedBytes, walStatus: slot.walStatus, active: slot.active } },
  );
}

export function checkLeftovers(
  source: ServerFacts | null,
  target: ServerFacts | null,
  catalogs: readonly DatabaseCatalog[],
): CheckResult[] {
  const id = 'leftovers.seren';
  if (!source && !target) return [skip(id, 'neither server is reachable')];
  const out: CheckResult[] = [];
  for (const slot of source?.slots ?? []) if (isLeftoverName(slot.name)) out.push(slotResult(slot));
  for (const catalog of catalogs) {
    for (const pub of catalog.publications.filter((p) => isLeftoverName(p.name))) {
      out.push(
        warn(id, `publication ${pub.name} in source database ${catalog.database} was left by the previous tool`, {
          subject: quoteIdent(catalog.database),
          fix: [`DROP PUBLICATION ${quoteIdent(pub.name)};  -- in database ${catalog.database}`],
          details: { publication: pub.name },
        }),
      );
    }
  }
  for (const sub of (target?.subscriptions ?? []).filter((s) => isLeftoverName(s.name))) {
    const s = quoteIdent(sub.name);
    out.push(
      warn(id, `subscription ${sub.name} in target database ${sub.database} was left by the previous tool (${sub.enabled ? 'enabled' : 'disabled'})`, {
        subject: 'target',
        fix: [
          `-- in target database ${sub.database}:`,
          `ALTER SUBSCRIPTION ${s} DISABLE;`,
          `ALTER SUBSCRIPTION ${s} SET (slot_name = NONE);`,
          `DROP SUBSCRIPTION ${s};`,
          ...(sub.slotName ? [`-- then on the source: SELECT pg_drop_replication_slot(${quoteLiteral(sub.slotName)});`] : []),
        ],
        details: { subscription: sub.name, database: sub.database, slot: sub.slotName },
      }),
    );
  }
  if (out.length === 0) {
    const where = !source ? ' on the target (the source was not checked)' : !target ? ' on the source (the target was not checked)' : '';
    return [ok(id, `no publications, subscriptions or slots left by the previous tool${where}`)];
  }
  return out;
}
