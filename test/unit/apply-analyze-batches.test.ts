// analyzeBatches (pure): big tables alone and largest first, small ones in batches of ANALYZE_BATCH_TABLES in order.
import { describe, expect, it } from 'vitest';
import { ANALYZE_BATCH_BELOW_BYTES, ANALYZE_BATCH_TABLES, analyzeBatches, type AnalyzeItem } from '../../src/apply/analyze-stage.js';
import type { PlanStep } from '../../src/plan/types.js';

const item = (name: string, bytes: number): AnalyzeItem => ({ table: { schema: 's', name }, step: { index: 1 } as PlanStep, bytes });

describe('analyzeBatches', () => {
  it('puts each big table alone, largest first, then the small ones in order in batches', () => {
    const small = Array.from({ length: ANALYZE_BATCH_TABLES + 1 }, (_, i) => item(`s${String(i)}`, 100));
    const batches = analyzeBatches([small[0] as AnalyzeItem, item('b1', ANALYZE_BATCH_BELOW_BYTES), item('b2', 5 * ANALYZE_BATCH_BELOW_BYTES), ...small.slice(1)]);
    expect(batches.map((b) => b.map((i) => i.table.name))).toEqual([
      ['b2'], ['b1'], small.slice(0, ANALYZE_BATCH_TABLES).map((i) => i.table.name), [`s${String(ANALYZE_BATCH_TABLES)}`],
    ]);
    expect(analyzeBatches([])).toEqual([]);
  });
});
