// A plan as JSON (`plan --json`, `plan --out`) and back. Parsing checks the whole shape, so apply never runs a file
// it does not understand: an unknown `format_version` (a newer pgrepl's plan) is refused by name, as is an unknown
// action or operation type. Writing redacts every SQL text once more, whoever built the plan (CONTRACTS.md, Secrets).
import { PgreplError } from '../util/errors.js';
import type { Diagnostic } from '../util/errors.js';
import { parseRanges } from '../model/oid-ranges.js';
import { ACTION_INFO } from './action-info.js';
import { redactSql } from './redact-sql.js';
import { summarise } from './summarise.js';
import { PLAN_FORMAT_VERSION, type Operation, type Plan, type PlanStep } from './types.js';

export class PlanFormatError extends PgreplError {
  constructor(problem: string) {
    super(`not a usable pgrepl plan: ${problem}`);
    this.name = 'PlanFormatError';
  }
}

function redactOperation(op: Operation): Operation {
  return op.type === 'sql' ? { ...op, statements: op.statements.map((s) => ({ ...s, sql: redactSql(s.sql) })) } : op;
}

/**
 * The plan as indented JSON with a trailing newline. The plan's and each step's keys are written in one fixed order
 * (the order the text shows them), whatever order the object was built in, so the file's shape never drifts.
 */
export function planToJson(plan: Plan): string {
  return `${JSON.stringify(planJsonValue(plan), null, 2)}\n`;
}

/**
 * What planToJson writes, parsed back (the plan the human renderer shows): the same object as
 * parsePlanJson(planToJson(plan)), without the indentation, which doubled the text to stringify and parse
 * (6 MB instead of 3 MB at 1,000 tables).
 */
export function planThroughJson(plan: Plan): Plan {
  return parsePlanJson(JSON.stringify(planJsonValue(plan)));
}

/** The redacted plan in planToJson's key order. */
function planJsonValue(plan: Plan): Plan {
  return {
    format_version: plan.format_version,
    createdAt: plan.createdAt,
    lineage: plan.lineage,
    basedOn: plan.basedOn,
    databases: plan.databases.map((d) => ({ key: d.key, target: d.target })),
    steps: plan.steps.map((s): PlanStep => ({
      index: s.index, address: s.address, action: s.action, destructive: s.destructive, reason: s.reason, before: s.before, after: s.after,
      sqlPreview: s.sqlPreview.map(redactSql), operations: s.operations.map(redactOperation),
    })),
    diagnostics: plan.diagnostics,
    summary: plan.summary,
  };
}

type Obj = Readonly<Record<string, unknown>>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function obj(v: unknown, path: string): Obj {
  if (!isObj(v)) throw new PlanFormatError(`${path} must be an object`);
  return v;
}
function arr(v: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(v)) throw new PlanFormatError(`${path} must be an array`);
  return v;
}
function str(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new PlanFormatError(`${path} must be a string`);
  return v;
}
function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new PlanFormatError(`${path} must be a non-negative number`);
  return v;
}
function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new PlanFormatError(`${path} must be true or false`);
  return v;
}
function oneOf<T extends string>(v: unknown, allowed: readonly T[], path: string): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new PlanFormatError(`${path} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, not ${JSON.stringify(v)}`);
  }
  return v as T;
}
function strings(v: unknown, path: string): void {
  arr(v, path).forEach((s, i) => str(s, `${path}[${i}]`));
}
function tableName(v: unknown, path: string): void {
  const t = obj(v, path);
  str(t.schema, `${path}.schema`);
  str(t.name, `${path}.name`);
}

const OPERATION_CHECKS: Readonly<Record<Operation['type'], (o: Obj, path: string) => void>> = {
  sql: (o, p) => {
    oneOf(o.side, ['source', 'target'], `${p}.side`);
    oneOf(o.stage, ['cluster', 'detach', 'teardown', 'pre-data', 'publication', 'post-data', 'subscription'], `${p}.stage`);
    if (o.autocommit !== undefined && o.autocommit !== true) throw new PlanFormatError(`${p}.autocommit must be true when present`);
    if (o.parallel !== undefined && (typeof o.parallel !== 'number' || !Number.isInteger(o.parallel) || o.parallel < 1 || o.stage !== 'pre-data')) {
      throw new PlanFormatError(`${p}.parallel must be a positive integer, on a pre-data operation only`);
    }
    // Negative orders run first in their stage (a table leaving a publication before the target's refresh).
    if (typeof o.order !== 'number' || !Number.isInteger(o.order)) throw new PlanFormatError(`${p}.order must be an integer`);
    arr(o.statements, `${p}.statements`).forEach((s, i) => {
      const st = obj(s, `${p}.statements[${i}]`);
      str(st.sql, `${p}.statements[${i}].sql`);
      bool(st.transactional, `${p}.statements[${i}].transactional`);
      oneOf(st.phase, ['pre-data', 'post-data'], `${p}.statements[${i}].phase`);
      str(st.object, `${p}.statements[${i}].object`);
    });
  },
  'data-copy': (o, p) => {
    tableName(o.table, `${p}.table`);
    strings(o.columns, `${p}.columns`);
    if (o.filter !== null) str(o.filter, `${p}.filter`);
    arr(o.truncateFirst, `${p}.truncateFirst`).forEach((t, i) => tableName(t, `${p}.truncateFirst[${i}]`));
    if (o.group !== null) str(o.group, `${p}.group`);
    const e = obj(o.estimate, `${p}.estimate`);
    for (const k of ['rows', 'bytes'] as const) num(e[k], `${p}.estimate.${k}`);
    if (e.seconds !== null) num(e.seconds, `${p}.estimate.seconds`);
  },
  'large-objects': (o, p) => {
    if (parseRanges(o.unlink) === null) throw new PlanFormatError(`${p}.unlink must be a list of [first, last] oid ranges`);
    bool(o.copy, `${p}.copy`);
    oneOf(o.roles, ['copy', 'skip'], `${p}.roles`);
    const e = obj(o.estimate, `${p}.estimate`);
    for (const k of ['rows', 'bytes'] as const) num(e[k], `${p}.estimate.${k}`);
    if (e.seconds !== null) num(e.seconds, `${p}.estimate.seconds`);
  },
  'sequence-values': (o, p) => arr(o.sequences, `${p}.sequences`).forEach((t, i) => tableName(t, `${p}.sequences[${i}]`)),
  'create-slot': (o, p) => {
    str(o.slot, `${p}.slot`);
    oneOf(o.plugin, ['pgoutput'], `${p}.plugin`);
    bool(o.exportSnapshot, `${p}.exportSnapshot`);
    if (o.failover !== undefined && o.failover !== true) throw new PlanFormatError(`${p}.failover must be true when present`);
  },
  'drop-slot': (o, p) => {
    str(o.slot, `${p}.slot`);
    if (o.tolerateFailure !== undefined) bool(o.tolerateFailure, `${p}.tolerateFailure`);
  },
  'create-subscription': (o, p) => {
    for (const k of ['subscription', 'publication', 'slot'] as const) str(o[k], `${p}.${k}`);
    for (const [k, v] of Object.entries(obj(o.options, `${p}.options`))) {
      if (typeof v !== 'string' && typeof v !== 'boolean') throw new PlanFormatError(`${p}.options.${k} must be a string or true/false`);
    }
    for (const k of ['copyData', 'enabled', 'storesPassword'] as const) bool(o[k], `${p}.${k}`);
    str(o.comment, `${p}.comment`);
  },
};

function checkStep(v: unknown, i: number): void {
  const p = `steps[${i}]`;
  const s = obj(v, p);
  if (s.index !== i + 1) throw new PlanFormatError(`${p}.index must be ${i + 1}, found ${JSON.stringify(s.index)}`);
  str(s.address, `${p}.address`);
  oneOf(s.action, Object.keys(ACTION_INFO) as (keyof typeof ACTION_INFO)[], `${p}.action`);
  str(s.reason, `${p}.reason`);
  bool(s.destructive, `${p}.destructive`);
  if (!('before' in s) || !('after' in s)) throw new PlanFormatError(`${p} must have before and after (null when absent)`);
  arr(s.operations, `${p}.operations`).forEach((op, j) => {
    const o = obj(op, `${p}.operations[${j}]`);
    const type = oneOf(o.type, Object.keys(OPERATION_CHECKS) as Operation['type'][], `${p}.operations[${j}].type`);
    OPERATION_CHECKS[type](o, `${p}.operations[${j}]`);
  });
  strings(s.sqlPreview, `${p}.sqlPreview`);
}

function checkDiagnostic(v: unknown, i: number): void {
  const p = `diagnostics[${i}]`;
  const d = obj(v, p);
  oneOf(d.severity, ['error', 'warning'] satisfies Diagnostic['severity'][], `${p}.severity`);
  str(d.message, `${p}.message`);
  if (d.path !== undefined) str(d.path, `${p}.path`);
  if (d.hints !== undefined) strings(d.hints, `${p}.hints`);
  if (d.position !== undefined) {
    const pos = obj(d.position, `${p}.position`);
    str(pos.file, `${p}.position.file`);
    num(pos.line, `${p}.position.line`);
    num(pos.column, `${p}.position.column`);
  }
}

/** Parses and checks a saved plan; throws PlanFormatError naming the first problem and where it is. */
export function parsePlanJson(text: string): Plan {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e: unknown) {
    throw new PlanFormatError(`the file is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const plan = obj(raw, 'the plan');
  if (plan.format_version !== PLAN_FORMAT_VERSION) {
    throw new PlanFormatError(typeof plan.format_version === 'string'
      ? `format_version ${JSON.stringify(plan.format_version)} is not known to this pgrepl (it reads "${PLAN_FORMAT_VERSION}"); make the plan again with this version, or apply it with the pgrepl that made it`
      : `format_version is missing; this is not a plan written by pgrepl`);
  }
  const basedOn = obj(plan.basedOn, 'basedOn');
  if (basedOn.spec !== null) {
    const spec = obj(basedOn.spec, 'basedOn.spec');
    str(spec.path, 'basedOn.spec.path');
    str(spec.hash, 'basedOn.spec.hash');
  }
  if (basedOn.state !== null) {
    const state = obj(basedOn.state, 'basedOn.state');
    str(state.lineage, 'basedOn.state.lineage');
    num(state.serial, 'basedOn.state.serial');
  }
  str(basedOn.actual, 'basedOn.actual');
  arr(plan.databases, 'databases').forEach((d, i) => {
    const db = obj(d, `databases[${i}]`);
    str(db.key, `databases[${i}].key`);
    str(db.target, `databases[${i}].target`);
  });
  const steps = arr(plan.steps, 'steps');
  steps.forEach(checkStep);
  arr(plan.diagnostics, 'diagnostics').forEach(checkDiagnostic);
  str(plan.createdAt, 'createdAt');
  str(plan.lineage, 'lineage');
  const summary = obj(plan.summary, 'summary');
  const expected = summarise(steps as readonly PlanStep[]);
  if (summary.add !== expected.add || summary.change !== expected.change || summary.destroy !== expected.destroy) {
    throw new PlanFormatError(`summary ${JSON.stringify(summary)} does not match its steps (${JSON.stringify(expected)})`);
  }
  return raw as Plan;
}
