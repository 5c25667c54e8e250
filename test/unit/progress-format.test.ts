// The apply progress views: pure formatting (elapsed, rate, ETA from the estimate, table rows, database lines, the live
// view cut to the terminal), the log view's lines (one per step, per table done, one per database every 5 s of the
// injected clock), the TTY writer's in-place redraw, and the final summary.
import { describe, expect, it } from 'vitest';
import type { ApplyEvent } from '../../src/apply/types.js';
import type { PlanStep } from '../../src/plan/types.js';
import { renderApplySummary } from '../../src/render/apply-summary.js';
import {
  databaseTotals, etaSeconds, formatDatabaseLine, formatElapsed, formatRate, formatTableRow, renderLiveView,
} from '../../src/render/progress/format-progress.js';
import { createLogProgress } from '../../src/render/progress/log-progress.js';
import { ProgressTracker } from '../../src/render/progress/progress-tracker.js';
import { createTtyProgress } from '../../src/render/progress/tty-progress.js';
import { emptyState } from '../../src/state/state-edits.js';

const MB = 1024 * 1024;

function step(address: string, action: PlanStep['action'] = 'create'): PlanStep {
  return { index: 1, address, action, reason: '', destructive: false, before: null, after: null, operations: [], sqlPreview: [] };
}

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

const copyStart: ApplyEvent = {
  type: 'copy-start', database: 'shop',
  tables: [{ address: 'public.orders', bytes: 100 * MB, rows: 1_000_000 }, { address: 'public.items', bytes: 20 * MB, rows: 50_000 }, { address: 'sales."Order Lines"', bytes: 1 * MB, rows: 10 }],
};

function progress(address: string, bytes: number, rows: number, seconds: number, done = false): ApplyEvent {
  return { type: 'copy-progress', database: 'shop', address, rows, bytes, seconds, bytesPerSecond: seconds > 0 ? bytes / seconds : 0, done };
}

describe('progress formatting', () => {
  it('formats elapsed time and rates', () => {
    expect([0.04, 8.14, 42.4, 185, 3_725].map(formatElapsed)).toEqual(['0.0s', '8.1s', '42s', '3m 05s', '1h 02m']);
    expect(formatRate(2.5 * MB)).toBe('2.5 MB/s');
    expect(formatRate(-1)).toBe('0 B/s');
  });

  it('estimates time left from the estimate and the rate, and gives none once the estimate is passed', () => {
    expect(etaSeconds(100, 40, 10)).toBe(6);
    expect(etaSeconds(100, 120, 10)).toBeNull();
    expect(etaSeconds(100, 0, 0)).toBeNull();
  });

  it('shows waiting, running and done tables', () => {
    const c = clock();
    const t = new ProgressTracker(5, c.now);
    t.apply(copyStart);
    t.apply(progress('public.orders', 40 * MB, 400_000, 4));
    t.apply(progress('sales."Order Lines"', 1 * MB, 10, 0.5, true));
    const [orders, items, lines] = t.databases[0]?.tables ?? [];
    expect(formatTableRow(orders!, 20)).toBe('  ▸ public.orders         400k rows, 40 MB of ~100 MB, 10 MB/s, ETA ~6 s');
    expect(formatTableRow(items!, 20)).toBe('  · public.items          waiting (~20 MB)');
    expect(formatTableRow(lines!, 20)).toBe('  ✓ sales."Order Lines"   10 rows, 1 MB in 0.5s');
  });

  it('sums a database: tables done, bytes of the estimate, rate over its elapsed time and ETA', () => {
    const c = clock();
    const t = new ProgressTracker(5, c.now);
    t.apply(copyStart);
    c.advance(4_000);
    t.apply(progress('public.orders', 40 * MB, 400_000, 4));
    t.apply(progress('sales."Order Lines"', 1 * MB, 10, 0.5, true));
    const db = t.databases[0]!;
    const totals = databaseTotals(db, t.elapsedMs(db));
    expect(totals).toMatchObject({ tables: 3, tablesDone: 1, rows: 400_010, bytes: 41 * MB, estimatedBytes: 121 * MB });
    expect(formatDatabaseLine('shop', totals)).toBe('shop: 1/3 tables, 400k rows, 41 MB of ~121 MB, 10 MB/s, ETA ~8 s');
  });

  it('counts a finished table as its whole estimate for the ETA, whatever it moved', () => {
    const c = clock();
    const t = new ProgressTracker(5, c.now);
    // 10 small tables estimated at a page each (8 kB), of which 6 finished in 3 s moving 100 bytes each.
    t.apply({ type: 'copy-start', database: 'many', tables: Array.from({ length: 10 }, (_, i) => ({ address: `s.t${String(i)}`, bytes: 8192, rows: 2 })) });
    c.advance(3_000);
    for (let i = 0; i < 6; i++) t.apply({ type: 'copy-progress', database: 'many', address: `s.t${String(i)}`, rows: 2, bytes: 100, seconds: 0.1, bytesPerSecond: 1000, done: true });
    const db = t.databases.find((d) => d.database === 'many')!;
    const totals = databaseTotals(db, t.elapsedMs(db));
    // 6 of 10 estimates done in 3 s: 2 s left. By bytes (600 B at 200 B/s against ~33 kB left) it would be ~2.7 min.
    expect(totals.etaSeconds).toBeCloseTo(2, 5);
    expect(formatDatabaseLine('many', totals)).toBe('many: 6/10 tables, 12 rows, 600 B of ~33 kB, 200 B/s, ETA ~2 s');
    // Nothing moved yet, or nothing left by the estimate: no ETA.
    expect(databaseTotals({ ...db, tables: db.tables.map((x) => ({ ...x, done: false, bytes: 0 })) }, 3_000).etaSeconds).toBeNull();
    expect(databaseTotals({ ...db, tables: db.tables.map((x) => ({ ...x, done: true })) }, 3_000).etaSeconds).toBeNull();
  });

  it('renders the live view with running tables first, a count of the rest, cut to the width', () => {
    const c = clock();
    const t = new ProgressTracker(5, c.now);
    t.apply({ type: 'step-done', step: step('target.database.shop'), seconds: 0.2 });
    t.apply(copyStart);
    c.advance(2_000);
    t.apply(progress('public.items', 10 * MB, 25_000, 2));
    t.apply(progress('sales."Order Lines"', 1 * MB, 10, 0.5, true));
    expect(renderLiveView(t, { width: 200, maxTables: 1 })).toEqual([
      'Steps: 1/5 done',
      'shop: 1/3 tables, 25k rows, 11 MB of ~121 MB, 5.5 MB/s, ETA ~20 s',
      '  ▸ public.items  25k rows, 10 MB of ~20 MB, 5 MB/s, ETA ~2 s',
      '  1 more to copy, 1 done',
    ]);
    expect(renderLiveView(t, { width: 30, maxTables: 1 }).every((l) => l.length <= 30)).toBe(true);
    t.apply({ type: 'copy-done', database: 'shop', rows: 1_050_010, bytes: 121 * MB, seconds: 12 });
    expect(renderLiveView(t, { width: 200, maxTables: 5 })[1]).toBe('shop: copied 3 tables, 1.1M rows, 121 MB in 12s');
  });
});

describe('log progress (not a terminal)', () => {
  it('writes a line per step, per table done, per database start and end, and one per database every 5 s', () => {
    const c = clock();
    const lines: string[] = [];
    const view = createLogProgress((l) => lines.push(l), { totalSteps: 3, nowMs: c.now });
    view.onEvent({ type: 'step-start', step: step('target.role.app') });
    view.onEvent({ type: 'step-done', step: step('target.role.app'), seconds: 0.12 });
    view.onEvent({ type: 'step-done', step: step('target.table.shop.public.old', 'delete'), seconds: 0.3 });
    view.onEvent(copyStart);
    for (let s = 1; s <= 12; s++) {
      c.advance(1_000);
      view.onEvent(progress('public.orders', s * 5 * MB, s * 50_000, s));
    }
    view.onEvent(progress('public.items', 20 * MB, 50_000, 3, true));
    view.onEvent(progress('public.items', 20 * MB, 50_000, 3, true));
    view.onEvent({ type: 'message', level: 'warning', text: 'triggers disabled by name' });
    view.onEvent({ type: 'copy-done', database: 'shop', rows: 650_000, bytes: 80 * MB, seconds: 12.5 });
    view.finish();
    expect(lines).toEqual([
      'target.role.app: created in 0.1s',
      'target.table.shop.public.old: destroyed in 0.3s',
      'shop: copying 3 tables (~1.1M rows, ~121 MB)',
      'shop: 0/3 tables, 250k rows, 25 MB of ~121 MB, 5 MB/s, ETA ~19 s',
      'shop: 0/3 tables, 500k rows, 50 MB of ~121 MB, 5 MB/s, ETA ~14 s',
      'shop: public.items copied: 50k rows, 20 MB in 3.0s',
      'Warning: triggers disabled by name',
      'shop: data copied: 650k rows, 80 MB in 13s (6.4 MB/s)',
    ]);
  });
});

describe('TTY progress', () => {
  it('redraws in place: permanent lines above, the view moved over with cursor-up and clear', () => {
    let out = '';
    const view = createTtyProgress({ write: (s) => ((out += s), true), columns: 80 }, { totalSteps: 2 });
    view.onEvent({ type: 'step-done', step: step('target.role.app'), seconds: 0.1 });
    expect(out).toBe('target.role.app: created in 0.1s\nSteps: 1/2 done\n');
    view.finish();
    expect(out.endsWith('\x1b[1F\x1b[J')).toBe(true);
  });
});

describe('apply summary', () => {
  const state = { ...emptyState({ pgreplVersion: '0.1.0', lineage: 'l' }), serial: 5 };
  it('says what changed, what was copied and where the state is', () => {
    expect(renderApplySummary({ added: 12, changed: 0, destroyed: 0, rows: 1_234_567, bytes: 340 * MB, seconds: 8.1, state }, { color: false, statePath: '/srv/pgrepl.state.json' })).toBe(
      'Apply complete! 12 added, 0 changed, 0 destroyed in 8.1s\nCopied 1.2M rows, 340 MB (42 MB/s overall).\nState: /srv/pgrepl.state.json (serial 5)\n');
  });
  it('leaves the copy line out when nothing was copied and says Destroy after --destroy', () => {
    expect(renderApplySummary({ added: 0, changed: 0, destroyed: 3, rows: 0, bytes: 0, seconds: 0.4, state }, { color: false, statePath: 's.json', destroy: true })).toBe(
      'Destroy complete! 0 added, 0 changed, 3 destroyed in 0.4s\nState: s.json (serial 5)\n');
  });
});

describe('TTY progress width', () => {
  it('takes a terminal that reports 0 columns for 100 wide, not 20', () => {
    let out = '';
    const view = createTtyProgress({ write: (s) => ((out += s), true), columns: 0 }, { totalSteps: 1 });
    view.onEvent({ type: 'step-start', step: step('target.table.some_database.public.a_long_table_name') });
    expect(out).toContain('Steps: 0/1 done, running target.table.some_database.public.a_long_table_name');
    view.finish();
  });
});
