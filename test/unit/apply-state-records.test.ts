// What the engine writes in the state (pure edits), when it writes (only on a change), and how a failure names its step.
import { describe, expect, it } from 'vitest';
import { ApplyStepError } from '../../src/apply/errors.js';
import { databaseThroughput, recordStep, rowsCopied, rowsCopying } from '../../src/apply/state-records.js';
import { StateWriter } from '../../src/apply/state-writer.js';
import type { StateStore } from '../../src/apply/types.js';
import { DdlExecutionError } from '../../src/pg/ddl/execute.js';
import type { PlanStep } from '../../src/plan/types.js';
import { emptyState, findResource, withResource } from '../../src/state/state-edits.js';
import type { StateDocument } from '../../src/state/state-document.js';

const AT = '2026-11-26T12:00:00.000Z';
const base = (): StateDocument => emptyState({ pgreplVersion: 'test', lineage: '2f6c1c8e-8d51-4a53-9a43-0a4f1e6b2c11' });
const step = (index: number, address: string, action: PlanStep['action'], after: unknown): PlanStep => ({
  index, address, action, reason: '', destructive: false, before: null, after, operations: [], sqlPreview: [],
});
const rowsAfter = { kind: 'table', target_database: 'shop2', where: null, window: null, filter: 'id > 0', table_created: true };

describe('state records', () => {
  it('records roles and databases as planned, merges a database over its recorded throughput, skips schema objects', () => {
    let s = recordStep(base(), step(1, 'target.role.app', 'create', { name: 'app', created: true }), AT);
    s = recordStep(s, step(2, 'target.table.shop.public.t', 'create', { kind: 'table' }), AT);
    s = databaseThroughput(s, 'shop', 'shop2', { bytes: 10, seconds: 2 }, AT);
    expect(findResource(s, 'target.database.shop')?.attributes).toEqual({ name: 'shop2', created: false, throughput: { bytes: 10, seconds: 2 } });
    s = recordStep(s, step(3, 'target.database.shop', 'update', { name: 'shop2', created: true }), AT);
    // The schema diff's database change has no attributes: nothing changes.
    s = recordStep(s, step(4, 'target.database.shop', 'update', null), AT);
    expect(s.resources).toEqual([
      { address: 'target.database.shop', kind: 'database', attributes: { name: 'shop2', created: true, throughput: { bytes: 10, seconds: 2 } }, updated_at: AT },
      { address: 'target.role.app', kind: 'role', attributes: { name: 'app', created: true }, updated_at: AT },
    ]);
  });

  it('marks rows copying before the copy and copied with the runtime after; delete forgets any kind', () => {
    const copyStep = step(5, 'target.rows.shop.public.t', 'create', rowsAfter);
    let s = rowsCopying(base(), [copyStep], AT);
    expect(findResource(s, copyStep.address)?.attributes).toEqual({
      ...rowsAfter, status: 'copying', snapshot: null, target_oid: null, rows: null, bytes: null, seconds: null, copied_at: null,
    });
    s = rowsCopied(s, [{ step: copyStep, snapshot: '00000003-0000001B-1', targetOid: 16400, rows: 7, bytes: 70, seconds: 0.5 }], AT);
    expect(findResource(s, copyStep.address)?.attributes).toEqual({
      ...rowsAfter, status: 'copied', snapshot: '00000003-0000001B-1', target_oid: 16400, rows: 7, bytes: 70, seconds: 0.5, copied_at: AT,
    });
    s = recordStep(s, step(6, 'target.rows.shop.public.t', 'delete', null), AT);
    s = recordStep(withResource(s, { address: 'target.database.shop', kind: 'database', attributes: { name: 'shop', created: true }, updated_at: AT }),
      step(7, 'target.database.shop', 'delete', null), AT);
    expect(s.resources).toEqual([]);
  });
});

describe('StateWriter', () => {
  it('writes serial + 1 only when resources change, and closes with a history entry', async () => {
    const written: StateDocument[] = [];
    const store: StateStore = { description: 'memory', read: async () => written.at(-1) ?? null, write: async (next) => { written.push(next); return next; } };
    const writer = new StateWriter(store, base());
    const role = step(1, 'target.role.app', 'create', { name: 'app', created: true });
    expect(await writer.update((s) => recordStep(s, role, AT))).toBe(true);
    // The same attributes again (another updated_at): no write.
    expect(await writer.update((s) => recordStep(s, role, '2027-01-01T00:00:00.000Z'))).toBe(false);
    expect(await writer.update((s) => recordStep(s, step(2, 'target.table.a.public.t', 'create', {}), AT))).toBe(false);
    await writer.finish({ at: AT, command: 'apply', summary: '1 added, 0 changed, 0 destroyed' });
    expect(written.map((w) => w.serial)).toEqual([1, 2]);
    expect(writer.current.history).toEqual([{ serial: 2, at: AT, command: 'apply', summary: '1 added, 0 changed, 0 destroyed' }]);
  });
});

describe('ApplyStepError', () => {
  it('names the step and keeps the server fields of a DdlExecutionError, with hint lines the CLI prints', () => {
    const server = Object.assign(new Error('column "x" does not exist'), { code: '42703', detail: 'd', hint: 'h', position: '8' });
    const ddl = { sql: 'SELECT x\nFROM t', transactional: true, phase: 'pre-data' as const, object: 'table:public.t' };
    const e = new ApplyStepError({ index: 3, address: 'target.table.a.public.t' }, new DdlExecutionError(ddl, server, 0));
    expect(e.message).toBe('target.table.a.public.t: column "x" does not exist (SQLSTATE 42703)');
    expect(e).toMatchObject({ address: 'target.table.a.public.t', step: 3, code: '42703', detail: 'd', hint: 'h', statement: 'SELECT x\nFROM t', position: '8' });
    expect(e.hints).toEqual(['DETAIL: d', 'HINT: h', 'STATEMENT:', '  SELECT x', '         ^', '  FROM t']);
    expect(e.cause).toBeInstanceOf(DdlExecutionError);
  });
});
