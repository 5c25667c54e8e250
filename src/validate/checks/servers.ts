// Both servers reachable, both PostgreSQL 12 or newer, the target not older than the source, and no
// transaction-mode pooler in front of the source.
import type { ServerProbe } from '../../pg/catalog/validate/types.js';
import { fail, ok, skip, warn, type CheckResult } from '../result.js';
import { major, versionText } from '../subjects.js';

export const MIN_VERSION_NUM = 120000;

type Side = 'source' | 'target';

export function checkReachable(side: Side, probe: ServerProbe): CheckResult {
  const id = `${side}.reachable`;
  if (!probe.reachable) {
    const e = probe.error;
    const extra = [e.detail ? `DETAIL: ${e.detail}` : null, e.hint ? `HINT: ${e.hint}` : null].filter(
      (x): x is string => x !== null,
    );
    // connect() names the server itself ("could not connect to the source server postgres://…: …").
    const message = e.message.includes(probe.display) ? e.message : `cannot connect to the ${side} ${probe.display}: ${e.message}`;
    return fail(id, message, {
      subject: side,
      ...(extra.length > 0 ? { fix: extra } : {}),
      details: { server: probe.display, ...(e.code ? { code: e.code } : {}) },
    });
  }
  const f = probe.facts;
  return ok(id, `connected to the ${side} ${probe.display} as ${f.role.name} (PostgreSQL ${f.version})`, {
    subject: side,
    details: { server: probe.display, version: f.version, versionNum: f.versionNum, role: f.role.name },
  });
}

export function checkVersion(side: Side, probe: ServerProbe): CheckResult {
  const id = `${side}.version`;
  if (!probe.reachable) return skip(id, `the ${side} is unreachable`, { subject: side });
  const v = probe.facts.versionNum;
  if (v < MIN_VERSION_NUM) {
    return fail(id, `the ${side} runs PostgreSQL ${versionText(v)}; pgrepl needs 12 or newer`, {
      subject: side,
      fix: [`Upgrade the ${side} to PostgreSQL 12 or newer.`],
      details: { versionNum: v },
    });
  }
  return ok(id, `PostgreSQL ${major(v)} is supported`, { subject: side, details: { versionNum: v } });
}

export function checkVersionOrder(source: ServerProbe, target: ServerProbe): CheckResult {
  const id = 'servers.version_order';
  if (!source.reachable || !target.reachable) return skip(id, 'a server is unreachable');
  const s = source.facts.versionNum;
  const t = target.facts.versionNum;
  const details = { sourceVersionNum: s, targetVersionNum: t };
  if (major(t) < major(s)) {
    return warn(
      id,
      `the target (PostgreSQL ${major(t)}) is older than the source (PostgreSQL ${major(s)}): the schema dump of a ` +
        'newer server may use syntax or options the older one refuses, and logical replication to an older ' +
        'subscriber ignores newer subscription options',
      { fix: [`Prefer a target running PostgreSQL ${major(s)} or newer.`], details },
    );
  }
  const how = major(t) === major(s) ? 'the same major version' : 'a newer major version (an upgrade)';
  return ok(id, `the target runs ${how}: PostgreSQL ${major(s)} → ${major(t)}`, { details });
}

export function checkPooler(probe: ServerProbe): CheckResult {
  const id = 'source.pooler';
  const p = probe.pooler ?? null;
  if (!probe.reachable && p === null) return skip(id, 'the source is unreachable', { subject: 'source' });
  if (p === null) return skip(id, 'pooler detection did not run', { subject: 'source' });
  if (p.detected) {
    return fail(
      id,
      `a transaction-mode connection pooler sits in front of the source ${probe.display} (${p.reason}): ` +
        'exported snapshots, replication connections and advisory locks do not work through it',
      {
        subject: 'source',
        fix: ['Use the direct (non-pooled) URL of the source server, e.g. port 5432 instead of the pooler port.'],
      },
    );
  }
  return ok(id, 'no transaction-mode pooler in front of the source', { subject: 'source' });
}
