// The old tool's `--config FILE.toml` (its guide, "Configuration File"):
//
//   [databases.mydb]
//   schema_only = ["analytics.evmlog_strides", "reporting.archive"]
//   [[databases.mydb.table_filters]]   table = "events", schema = "analytics" (optional), where = "…"
//   [[databases.mydb.time_filters]]    table = "metrics", schema = "analytics" (optional), column = "…", last = "6 months"
//
// -> FlagScope pieces whose TableRefs carry the database and a `file:line:col` origin. Every problem at once, each
// placed at its line: smol-toml gives syntax errors their line and column; keys, types and missing keys are
// placed by scanning the text (toml-positions.ts). Unknown keys get a "did you mean".
import { parse, TomlError } from 'smol-toml';
import { parseTimeWindow } from '../spec/time-window.js';
import { closeMatches } from '../util/suggest.js';
import { InputError, type Diagnostic, type SourcePosition } from '../util/errors.js';
import { tryParseTableRef, isDiagnostic } from './table-ref.js';
import { tomlPositions, type TomlPositions } from './toml-positions.js';
import type { FlagScope, FlagTableFilter, FlagTimeFilter, TableRef } from './types.js';

const TOP_KEYS = ['databases'];
const DATABASE_KEYS = ['schema_only', 'table_filters', 'time_filters'];
const TABLE_FILTER_KEYS = ['table', 'schema', 'where'];
const TIME_FILTER_KEYS = ['table', 'schema', 'column', 'last'];

type Path = (string | number)[];

function isTable(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

function describeType(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a date';
  if (isTable(v)) return 'a table';
  return `a ${typeof v}`;
}

/** `databases.mydb.table_filters[0].where`, a key that is no bare word in quotes. */
function formatPath(path: Path): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += (out === '' ? '' : '.') + (/^[A-Za-z0-9_-]+$/.test(p) ? p : JSON.stringify(p));
  }
  return out;
}

class Problems {
  readonly list: Diagnostic[] = [];
  constructor(readonly pos: TomlPositions) {}
  add(path: Path, message: string, at: 'key' | 'value' = 'value', hints?: readonly string[]): void {
    const position = at === 'key' ? this.pos.key(path) : this.pos.value(path);
    this.list.push({ severity: 'error', message, path: formatPath(path), ...(position ? { position } : {}), ...(hints && hints.length > 0 ? { hints } : {}) });
  }
  unknownKeys(table: Record<string, unknown>, path: Path, known: readonly string[]): void {
    for (const key of Object.keys(table)) {
      if (known.includes(key)) continue;
      const close = closeMatches(key, known, 1);
      this.add([...path, key], close.length > 0 ? `unknown key "${key}"; did you mean "${close[0]}"?` : `unknown key "${key}" (known here: ${known.join(', ')})`, 'key');
    }
  }
}

const origin = (p: SourcePosition | undefined, file: string) => (p ? `${p.file}:${p.line}:${p.column}` : file);

/** Parses the TOML text of `file` (the path as the user wrote it, used in positions). Throws InputError. */
export function parseTomlConfig(text: string, file: string): FlagScope {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      const first = (e.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '');
      throw new InputError(`${file}: 1 problem`, [{ severity: 'error', message: `invalid TOML: ${first}`, position: { file, line: e.line, column: e.column } }]);
    }
    throw e;
  }
  const problems = new Problems(tomlPositions(text, file));
  problems.unknownKeys(doc, [], TOP_KEYS);
  const schemaOnly: TableRef[] = [];
  const tableFilters: FlagTableFilter[] = [];
  const timeFilters: FlagTimeFilter[] = [];
  const given = { schemaOnly: false, tableFilters: false, timeFilters: false };

  const databases = doc['databases'];
  if (databases !== undefined && !isTable(databases)) problems.add(['databases'], `must be a table of databases ([databases.<name>]), not ${describeType(databases)}`);
  for (const [db, block] of Object.entries(isTable(databases) ? databases : {})) {
    const dbPath: Path = ['databases', db];
    if (!isTable(block)) {
      problems.add(dbPath, `must be a table ([databases.${formatPath([db])}]), not ${describeType(block)}`);
      continue;
    }
    if (db === '') problems.add(dbPath, 'empty database name', 'key');
    problems.unknownKeys(block, dbPath, DATABASE_KEYS);

    const so = block['schema_only'];
    if (so !== undefined) {
      given.schemaOnly = true;
      if (!Array.isArray(so)) problems.add([...dbPath, 'schema_only'], `must be an array of table names, not ${describeType(so)}`);
      else {
        so.forEach((item: unknown, i) => {
          const path = [...dbPath, 'schema_only', i];
          if (typeof item !== 'string') return problems.add(path, `must be a table name (a string), not ${describeType(item)}`);
          const ref = tableRef(item, undefined, db, path, problems.pos.value(path), file, problems);
          if (ref) schemaOnly.push(ref);
        });
      }
    }

    const entries = (key: 'table_filters' | 'time_filters', known: readonly string[], each: (entry: Record<string, unknown>, path: Path, ref: TableRef) => void) => {
      const list = block[key];
      if (list === undefined) return;
      given[key === 'table_filters' ? 'tableFilters' : 'timeFilters'] = true;
      if (!Array.isArray(list)) return problems.add([...dbPath, key], `must be an array of tables ([[databases.${formatPath([db])}.${key}]]), not ${describeType(list)}`);
      list.forEach((entry: unknown, i) => {
        const path = [...dbPath, key, i];
        if (!isTable(entry)) return problems.add(path, `must be a table, not ${describeType(entry)}`);
        problems.unknownKeys(entry, path, known);
        let ok = true;
        const str = (k: string, required: boolean): string | undefined => {
          const v = entry[k];
          if (v === undefined) {
            if (required) {
              problems.add(path, `missing required key "${k}"`, 'key');
              ok = false;
            }
            return undefined;
          }
          if (typeof v !== 'string') {
            problems.add([...path, k], `must be a string, not ${describeType(v)}`);
            ok = false;
            return undefined;
          }
          if (v.trim() === '') {
            problems.add([...path, k], 'must not be empty');
            ok = false;
            return undefined;
          }
          return v;
        };
        const table = str('table', true);
        const schema = str('schema', false);
        const fields = known.filter((k) => k !== 'table' && k !== 'schema').map((k) => [k, str(k, true)] as const);
        if (!ok || table === undefined) return;
        const ref = tableRef(table, schema, db, [...path, 'table'], problems.pos.key(path), file, problems);
        if (!ref) return;
        const values = Object.fromEntries(fields);
        each(values as Record<string, unknown>, path, ref);
      });
    };
    entries('table_filters', TABLE_FILTER_KEYS, (v, _path, ref) => tableFilters.push({ ref, where: (v['where'] as string).trim() }));
    entries('time_filters', TIME_FILTER_KEYS, (v, path, ref) => {
      const last = parseTimeWindow(v['last'] as string);
      if (last === null) return problems.add([...path, 'last'], `${JSON.stringify(v['last'])} is not a window: a positive whole number and a unit (seconds, minutes, hours, days, weeks, months, years), e.g. "6 months"`);
      timeFilters.push({ ref, column: v['column'] as string, last: last.text });
    });
  }

  if (problems.list.length > 0) {
    const sorted = [...problems.list].sort((a, b) => (a.position?.line ?? 0) - (b.position?.line ?? 0) || (a.position?.column ?? 0) - (b.position?.column ?? 0));
    throw new InputError(`${file}: ${sorted.length} problem${sorted.length === 1 ? '' : 's'}`, sorted);
  }
  return {
    ...(given.schemaOnly ? { schemaOnlyTables: schemaOnly } : {}),
    ...(given.tableFilters ? { tableFilters } : {}),
    ...(given.timeFilters ? { timeFilters } : {}),
  };
}

/**
 * The table of an entry: with `schema`, `table` is the literal name; without, `[schema.]table` (the database is
 * the block's, so three parts are an error).
 */
function tableRef(text: string, schema: string | undefined, db: string, path: Path, at: SourcePosition | undefined, file: string, problems: Problems): TableRef | null {
  const where = origin(at, file);
  const pos = at ? { position: at } : {};
  if (schema !== undefined) return { parts: [text], schema, database: db, raw: `${schema}.${text}`, origin: where, ...pos };
  const ref = tryParseTableRef(text, { origin: where, database: db, ...pos });
  if (isDiagnostic(ref)) {
    problems.list.push({ ...ref, path: formatPath(path) });
    return null;
  }
  if (ref.parts.length > 2) {
    problems.add(path, `${JSON.stringify(text)}: write [schema.]table here (the database is ${JSON.stringify(db)} from the table header); quote a name that holds a dot`);
    return null;
  }
  return ref;
}
