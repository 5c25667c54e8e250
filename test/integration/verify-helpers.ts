// Helpers for test/integration/verify-cases.test.ts: run `pgrepl verify` through the built CLI (JSON and text), pick
// a table's report, and an oracle of the test's own that says which keys differ: every row of both sides read as
// text (`row::text` under fixed session settings, source under its filter) and compared in JS by key. It shares
// nothing with pgrepl's hashing code, so a verdict both agree on is not pgrepl agreeing with itself.
import { expect } from 'vitest';
import type { Cluster } from '../harness/index.js';
import { show, type CliResult, type Workspace } from './e2e-helpers.js';

/** The parts of src/verify/types.ts (VerifyReport, format_version "1") the tests read; restated, not imported. */
export interface KeyDifferences {
  readonly changed: readonly (readonly string[])[];
  readonly missing: readonly (readonly string[])[];
  readonly extra: readonly (readonly string[])[];
  readonly truncated: boolean;
}

export interface TableJson {
  readonly table: string;
  readonly key: readonly string[] | null;
  readonly filter: string | null;
  readonly rows: { readonly source: number; readonly target: number };
  readonly chunks: { readonly total: number; readonly checked: number; readonly differing: number };
  readonly outcome: 'equal' | 'different' | 'changed-during-check' | 'error';
  readonly differences: KeyDifferences | null;
  readonly notes: readonly string[];
  readonly error: string | null;
}

export interface ReportJson {
  readonly format_version: string;
  readonly samplePercent: number | null;
  readonly databases: ReadonlyArray<{ readonly key: string; readonly schemaDifferences: readonly string[]; readonly tables: readonly TableJson[] }>;
  readonly summary: { readonly tables: number; readonly equal: number; readonly different: number; readonly changedDuringCheck: number; readonly errors: number };
}

export interface VerifyRun {
  readonly json: CliResult;
  readonly report: ReportJson;
  readonly text: CliResult;
}

/** `pgrepl verify --spec … --json <args>` parsed, and the same without --json (text); both exit codes must agree. */
export async function verifyBoth(ws: Workspace, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<VerifyRun> {
  const json = await verifyJson(ws, args, env);
  const text = await ws.cli(['verify', '--spec', ws.specFile, ...args], env);
  expect(text.code, show(text)).toBe(json.json.code);
  return { ...json, text };
}

export async function verifyJson(ws: Workspace, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ json: CliResult; report: ReportJson }> {
  const json = await ws.cli(['verify', '--spec', ws.specFile, '--json', ...args], env);
  let report: ReportJson;
  try {
    report = JSON.parse(json.stdout) as ReportJson;
  } catch {
    throw new Error(`verify --json printed no JSON report:\n${show(json)}`);
  }
  expect(report.format_version).toBe('1');
  return { json, report };
}

/** The report of `table` (`public.t`), found in any database. */
export function tableOf(report: ReportJson, table: string): TableJson {
  const all = report.databases.flatMap((d) => d.tables);
  const found = all.find((t) => t.table === table);
  if (found === undefined) throw new Error(`no report for ${table}; tables: ${all.map((t) => t.table).join(', ')}`);
  return found;
}

export function sortKeys(keys: readonly (readonly string[])[]): string[][] {
  return keys.map((k) => [...k]).sort((a, b) => (a.join('\u0000') < b.join('\u0000') ? -1 : a.join('\u0000') > b.join('\u0000') ? 1 : 0));
}

/** The three key lists sorted (order in the report is not part of the contract), `truncated` dropped. */
export function keyLists(d: KeyDifferences | null): { changed: string[][]; missing: string[][]; extra: string[][] } | null {
  return d === null ? null : { changed: sortKeys(d.changed), missing: sortKeys(d.missing), extra: sortKeys(d.extra) };
}

const SESSION = "SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET TimeZone = 'UTC'; SET extra_float_digits = 3; SET bytea_output = 'hex'";

async function rowsByKey(cluster: Cluster, database: string, table: string, keyColumns: readonly string[], where: string | null): Promise<Map<string, { key: string[]; row: string }>> {
  const keySql = keyColumns.map((c, i) => `t.${c}::text AS k${i}`).join(', ');
  const rows = await cluster.query<Record<string, string | null>>(
    `${SESSION}; SELECT ${keySql}, t::text AS row FROM ${table} t${where === null ? '' : ` WHERE ${where}`}`, [], database);
  const out = new Map<string, { key: string[]; row: string }>();
  for (const r of rows) {
    const key = keyColumns.map((_, i) => String(r[`k${i}`]));
    out.set(JSON.stringify(key), { key, row: String(r['row']) });
  }
  return out;
}

/** The test's own answer: keys whose row text differs, keys only on the (filtered) source, keys only on the target. */
export async function sqlKeyDiff(
  src: Cluster, srcDb: string, tgt: Cluster, tgtDb: string, table: string, keyColumns: readonly string[], where: string | null = null,
): Promise<{ changed: string[][]; missing: string[][]; extra: string[][] }> {
  const [a, b] = await Promise.all([rowsByKey(src, srcDb, table, keyColumns, where), rowsByKey(tgt, tgtDb, table, keyColumns, null)]);
  const changed: string[][] = [];
  const missing: string[][] = [];
  const extra: string[][] = [];
  for (const [k, v] of a) {
    const other = b.get(k);
    if (other === undefined) missing.push(v.key);
    else if (other.row !== v.row) changed.push(v.key);
  }
  for (const [k, v] of b) if (!a.has(k)) extra.push(v.key);
  return { changed: sortKeys(changed), missing: sortKeys(missing), extra: sortKeys(extra) };
}

/** Multiset of row texts on both sides of a keyless table (source under `where`): equal or not, by the test's SQL. */
export async function sqlSameMultiset(src: Cluster, srcDb: string, tgt: Cluster, tgtDb: string, table: string, where: string | null = null): Promise<boolean> {
  const q = (w: string | null): string => `${SESSION}; SELECT t::text AS row FROM ${table} t${w === null ? '' : ` WHERE ${w}`} ORDER BY t::text COLLATE "C"`;
  const [a, b] = await Promise.all([src.query<{ row: string }>(q(where), [], srcDb), tgt.query<{ row: string }>(q(null), [], tgtDb)]);
  return JSON.stringify(a.map((r) => r.row)) === JSON.stringify(b.map((r) => r.row));
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The text output's lines about `table`: the line `<table>: …` (its verdict and keys) and its indented notes. */
export function textAbout(out: string, table: string): string {
  const lines = out.split('\n');
  const picked: string[] = [];
  const named = new RegExp(`^\\s*${escapeRe(table)}:`);
  for (let i = 0; i < lines.length; i++) {
    if (!named.test(lines[i] ?? '')) continue;
    picked.push(lines[i] ?? '');
    for (let j = i + 1; j < lines.length && /^\s+note:/.test(lines[j] ?? ''); j++) picked.push(lines[j] ?? '');
  }
  return picked.join('\n');
}

/** A key as the text shows it: one column bare, several as `(a, b)`. */
function keyText(key: readonly string[]): string {
  return key.length === 1 ? (key[0] ?? '') : `(${key.join(', ')})`;
}

/** The text output names the table and every listed key (as a whole word), and no key outside `keys`. */
export function expectTextNamesKeys(out: string, table: string, keys: readonly (readonly string[])[], notKeys: readonly (readonly string[])[] = []): void {
  const about = textAbout(out, table);
  expect(about, `text output has no line about ${table}:\n${out}`).not.toBe('');
  for (const k of keys) {
    expect(about, `text output about ${table} should name key ${keyText(k)}:\n${out}`).toMatch(new RegExp(`(^|[^\\w-])${escapeRe(keyText(k))}($|[^\\w-])`));
  }
  for (const k of notKeys) {
    expect(about, `text output about ${table} should not name key ${keyText(k)}:\n${out}`).not.toMatch(new RegExp(`(^|[^\\w-])${escapeRe(keyText(k))}($|[^\\w-])`));
  }
}
