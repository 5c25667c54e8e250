// The demo's own look at the result: exact row counts per table on both sides, with what the spec did to the
// table, and a judgement. Tables without a rule must match exactly, filtered ones hold at most the source's
// rows, schema-only ones exist and are empty. Pure.
import type { SampleTable } from '../pg/local-server/sample-shop.js';
import type { TableRule } from './demo-spec.js';

export interface RowCount {
  readonly table: SampleTable;
  readonly source: number | null;
  /** null: the table is missing on the target. */
  readonly target: number | null;
  readonly rule?: TableRule;
}

const numberFormat = new Intl.NumberFormat('en-US');

function count(n: number | null): string {
  return n === null ? 'missing' : numberFormat.format(n);
}

function name(t: SampleTable): string {
  return `${t.schema}.${t.table}`;
}

/** Problems with the copy, one line each; empty when the target is what the spec asks for. */
export function judgeRows(rows: readonly RowCount[]): string[] {
  const problems: string[] = [];
  for (const r of rows) {
    if (r.target === null) {
      problems.push(`${name(r.table)} is missing on the target`);
    } else if (r.source === null) {
      problems.push(`${name(r.table)} is missing on the source`);
    } else if (r.rule?.rule === 'schema-only') {
      if (r.target !== 0) problems.push(`${name(r.table)} is schema-only but has ${count(r.target)} rows on the target`);
    } else if (r.rule !== undefined) {
      if (r.target > r.source) problems.push(`${name(r.table)} has more rows on the target (${count(r.target)}) than on the source (${count(r.source)})`);
    } else if (r.target !== r.source) {
      problems.push(`${name(r.table)} has ${count(r.target)} rows on the target, ${count(r.source)} on the source`);
    }
  }
  return problems;
}

/** A plain text table: name, source, target (right-aligned), and the rule. */
export function renderRowTable(rows: readonly RowCount[]): string {
  const header = ['table', 'source', 'target', ''] as const;
  const body = rows.map((r) => [name(r.table), count(r.source), count(r.target), r.rule?.label ?? ''] as const);
  const width = (i: number): number => Math.max(...[header, ...body].map((cells) => cells[i]?.length ?? 0));
  const [w0, w1, w2] = [width(0), width(1), width(2)];
  const line = (cells: readonly string[]): string =>
    `  ${(cells[0] ?? '').padEnd(w0)}  ${(cells[1] ?? '').padStart(w1)}  ${(cells[2] ?? '').padStart(w2)}  ${cells[3] ?? ''}`.trimEnd();
  return [line(header), ...body.map(line)].join('\n') + '\n';
}
