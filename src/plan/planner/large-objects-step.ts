// `target.largeobjects.<key>`: the large objects of one database (large_objects: true). Logical replication never
// carries them, so they are copied once, in the copy's snapshot, with their oids (application tables refer to them
// by oid), like the rows of a table that is not streamed. The state records every oid pgrepl made; only those are
// ever unlinked without consent. A target object that has a source object's oid and that pgrepl did not make is in
// the way: replacing it drops data, so the step is destructive (CONTRACTS.md, Consent).
import type { LargeObjectFacts, Throughput } from '../../introspect/types.js';
import { largeObjectsAddress } from '../../model/address.js';
import { countOids, firstOids, intersectRanges, subtractRanges, unionRanges, type OidRange } from '../../model/oid-ranges.js';
import { quoteIdent } from '../../pg/sql/quote.js';
import type { DatabaseSpec } from '../../spec/model.js';
import type { Diagnostic } from '../../util/errors.js';
import type { Action, LargeObjectsOperation, PlanStep } from '../types.js';
import type { LargeObjectsAttributes, LargeObjectsRecord } from './types.js';

export interface LargeObjectsPlanInput {
  readonly db: DatabaseSpec;
  /** The source's large objects (read when the spec asks for them); undefined when the source database is missing. */
  readonly facts: LargeObjectFacts | undefined;
  /** The target database's large object oids; null when the database does not exist yet (or is made by this plan). */
  readonly target: readonly OidRange[] | null;
  readonly record: LargeObjectsRecord | null;
  /** PlanOptions.recopy. */
  readonly recopy: boolean;
  /** PlanOptions.replace names this database's large objects. */
  readonly replace?: boolean;
  readonly throughput: Throughput | null;
  /** The role pgrepl reads the source as (for GRANT hints). */
  readonly sourceRole: string;
}

export interface LargeObjectsPlan {
  readonly step: Omit<PlanStep, 'index'> | null;
  readonly diagnostics: readonly Diagnostic[];
  /** The spec wants this resource (planned or up to date): a record of it is not stale. */
  readonly desired: boolean;
}

const NONE: LargeObjectsPlan = { step: null, diagnostics: [], desired: false };

function listOids(ranges: readonly OidRange[], n = 5): string {
  const total = countOids(ranges);
  const shown = firstOids(ranges, n);
  return `${shown.join(', ')}${total > shown.length ? ', …' : ''}`;
}

function unreadable(input: LargeObjectsPlanInput, facts: LargeObjectFacts): Diagnostic[] {
  if (facts.unreadable.count === 0) return [];
  const role = quoteIdent(input.sourceRole);
  return [{
    severity: 'error',
    message: `database ${input.db.key}: the source role ${input.sourceRole} may not read ${facts.unreadable.count} of the ${facts.count} large objects (e.g. oid ${facts.unreadable.sample.join(', ')}), so they cannot be copied`,
    hints: [
      ...facts.unreadable.sample.map((oid) => `GRANT SELECT ON LARGE OBJECT ${oid} TO ${role};`),
      `(one GRANT per large object; or connect to the source as their owner or a superuser)`,
    ],
  }];
}

export function planLargeObjectsStep(input: LargeObjectsPlanInput): LargeObjectsPlan {
  const { db, facts, record } = input;
  if (!db.largeObjects || facts === undefined) return NONE;
  const diagnostics = unreadable(input, facts);
  const sameDatabase = record !== null && record.target_database === db.targetDatabase;
  const owned = sameDatabase ? record.oids : [];
  const onTarget = input.target ?? [];
  const present = intersectRanges(owned, onTarget);
  const complete = countOids(present) === countOids(owned);
  if (record?.status === 'copied' && sameDatabase && input.target !== null && complete && !input.recopy && input.replace !== true) return { step: null, diagnostics, desired: true };
  if (record === null && facts.count === 0) return { step: null, diagnostics, desired: false };

  const clash = subtractRanges(intersectRanges(facts.ranges, onTarget), owned);
  const reasons: string[] = [];
  let action: Action = 'create';
  let destructive = false;
  const what = `${facts.count} large object(s)`;
  if (record === null) {
    reasons.push(`${what} of database ${db.key} not copied yet`);
  } else if (record.status === 'copying') {
    reasons.push(`the copy of the large objects of ${db.key} was interrupted: those pgrepl made are unlinked and all ${facts.count} copied again`);
  } else if (!sameDatabase) {
    reasons.push(`the target database changed: ${record.target_database} -> ${db.targetDatabase}`);
  } else if (input.recopy || input.replace === true) {
    action = 'replace';
    destructive = countOids(present) > 0;
    reasons.push(input.recopy
      ? '--no-resume: the large objects copied earlier are unlinked and copied again from the start'
      : '--replace: the large objects copied earlier are unlinked and copied again');
  } else {
    action = 'replace';
    reasons.push(input.target === null
      ? `target database ${db.targetDatabase} is made again, so the large objects are copied again`
      : `${countOids(owned) - countOids(present)} of the ${countOids(owned)} large objects pgrepl copied are gone from the target: all are copied again`);
  }
  // Logical replication carries rows only: say so where the rest of the database streams.
  if (db.sync) reasons.push('copied once: logical replication does not carry large objects, so later changes on the source stay there');
  if (clash.length > 0) {
    action = 'replace';
    destructive = true;
    reasons.push(`the target database ${db.targetDatabase} holds ${countOids(clash)} large object(s) pgrepl did not copy with the oids of source ones (${listOids(clash)}): they are unlinked and replaced by the source's`);
  }
  const seconds = input.throughput === null || input.throughput.bytesPerSecond <= 0 ? null : Math.round((facts.bytes / input.throughput.bytesPerSecond) * 10) / 10;
  const op: LargeObjectsOperation = {
    type: 'large-objects', unlink: unionRanges(present, clash), copy: true, roles: db.roles,
    estimate: { rows: facts.count, bytes: facts.bytes, seconds },
  };
  const after: LargeObjectsAttributes = { target_database: db.targetDatabase };
  return {
    step: {
      address: largeObjectsAddress(db.key), action, destructive, reason: reasons.join('; '),
      before: record === null ? null : { target_database: record.target_database }, after, operations: [op], sqlPreview: [],
    },
    diagnostics,
    desired: true,
  };
}
