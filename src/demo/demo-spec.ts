// The spec the demo writes: the sample database `shop` copied whole and kept in sync, except a time window on the
// clickstream, a row filter on the leads and the archive as structure only. Written as text, comments included, because
// users open it to see what a spec looks like.
import { SAMPLE_DATABASE, type SampleTable } from '../pg/local-server/sample-shop.js';

export const DEMO_SPEC_FILE = 'pgrepl.yaml';

export interface DemoSpecInput {
  readonly sourceUrl: string;
  readonly targetUrl: string;
  /** Absolute path of schemas/spec.schema.json, for the editor comment; omitted when unknown. */
  readonly schemaPath?: string;
}

/** What the spec does to a sample table, as the demo's result table says it. */
export interface TableRule {
  readonly table: SampleTable;
  readonly rule: 'window' | 'filter' | 'schema-only';
  readonly label: string;
}

export const DEMO_TIME_WINDOW = '90 days';
export const DEMO_ROW_FILTER = "region <> 'test'";

export const DEMO_TABLE_RULES: readonly TableRule[] = [
  { table: { schema: 'sales', table: 'events' }, rule: 'window', label: `last ${DEMO_TIME_WINDOW}` },
  { table: { schema: 'sales', table: 'leads' }, rule: 'filter', label: `where ${DEMO_ROW_FILTER}` },
  { table: { schema: 'archive', table: 'orders_2019' }, rule: 'schema-only', label: 'schema only' },
];

/** A YAML double-quoted scalar (JSON's string syntax is valid YAML). */
function yamlString(value: string): string {
  return JSON.stringify(value);
}

export function demoSpecText(input: DemoSpecInput): string {
  const header = input.schemaPath === undefined ? [] : [`# yaml-language-server: $schema=${input.schemaPath}`, '#'];
  return [
    ...header,
    '# Written by `pgrepl demo`: copy the sample database `shop` from one throwaway server to the other.',
    'version: 1',
    `source: { url: ${yamlString(input.sourceUrl)} }`,
    `target: { url: ${yamlString(input.targetUrl)} }`,
    '',
    'defaults:',
    '  sync: true       # after the copy, keep streaming changes (publication + slot on the source, subscription on the target)',
    '',
    'databases:',
    `  ${SAMPLE_DATABASE}:`,
    '    schema_only:',
    '      - archive.orders_2019            # the table is created, its rows stay behind',
    '    table_filters:',
    `      - { schema: sales, table: leads, where: ${yamlString(DEMO_ROW_FILTER)} }`,
    '    time_filters:',
    '      # anchored at the first apply: the window start is recorded in state and reused by every plan',
    `      - { schema: sales, table: events, column: created_at, last: ${DEMO_TIME_WINDOW} }`,
    '',
  ].join('\n');
}
