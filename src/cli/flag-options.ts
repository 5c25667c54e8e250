// The old tool's flags (its guide: ../shared/reference/database-replicator-guide.md), shared by `init`, `sync`,
// `status`, `verify`, `validate` and `spec from-flags`. Definitions only: src/flags/ parses the values.
import type { Argv } from 'yargs';

export interface ScopeFlagArgs {
  source?: string;
  target?: string;
  config?: string;
  'include-databases'?: string;
  'exclude-databases'?: string;
  'include-tables'?: string;
  'exclude-tables'?: string;
  'schema-only-tables'?: string;
  'table-filter'?: string[];
  'time-filter'?: string[];
}

/** --source/--target and the scope flags. */
export function withScopeFlags<T>(y: Argv<T>): Argv<T & ScopeFlagArgs> {
  return y
    .option('source', { type: 'string', description: 'Source connection (URL or key=value); a URL naming a database other than postgres replicates that one' })
    .option('target', { type: 'string', description: 'Target connection (URL or key=value)' })
    .option('config', { type: 'string', description: 'The old tool\'s TOML rules ([databases.<db>] schema_only, table_filters, time_filters); flags merge on top' })
    .option('include-databases', { type: 'string', description: 'Only these databases, comma-separated (not with --exclude-databases)' })
    .option('exclude-databases', { type: 'string', description: 'Every database but these, comma-separated' })
    .option('include-tables', { type: 'string', description: 'Only these tables: db.table, db.schema.table or schema.table, comma-separated (not with --exclude-tables)' })
    .option('exclude-tables', { type: 'string', description: 'Every table but these, same forms' })
    .option('schema-only-tables', { type: 'string', description: 'Tables copied as structure without rows, same forms' })
    .option('table-filter', { type: 'string', array: true, description: 'Repeatable "[db.][schema.]table:PREDICATE" (split on the first colon)' })
    .option('time-filter', { type: 'string', array: true, description: 'Repeatable "[db.][schema.]table:column:N unit" (seconds … years)' })
    .group(['source', 'target', 'config', 'include-databases', 'exclude-databases', 'include-tables', 'exclude-tables', 'schema-only-tables', 'table-filter', 'time-filter'], 'Servers and scope (the old tool\'s flags):') as Argv<T & ScopeFlagArgs>;
}

/** True when any flag that chooses what is replicated was given (then the picker does not start). */
export function hasScopeFlag(args: ScopeFlagArgs): boolean {
  return (
    args.config !== undefined || args['include-databases'] !== undefined || args['exclude-databases'] !== undefined ||
    args['include-tables'] !== undefined || args['exclude-tables'] !== undefined || args['schema-only-tables'] !== undefined ||
    (args['table-filter']?.length ?? 0) > 0 || (args['time-filter']?.length ?? 0) > 0
  );
}

/** The old tool's execution flags: accepted everywhere the old tool took them. */
export interface ExecutionFlagArgs {
  local?: boolean;
  seren?: boolean;
  'job-timeout'?: number;
  interactive?: boolean;
}

export function withExecutionFlags<T>(y: Argv<T>): Argv<T & ExecutionFlagArgs> {
  return y
    .option('local', { type: 'boolean', description: 'Accepted for the old tool\'s scripts: pgrepl always runs where it is started' })
    .option('seren', { type: 'boolean', description: 'Accepted: prints that pgrepl runs locally (no vendor cloud), then continues' })
    .option('job-timeout', { type: 'number', description: 'Cancel the run after this many seconds (the old tool\'s default was 8 hours; pgrepl has none)' })
    .option('interactive', { type: 'boolean', description: 'Pick databases and tables in the terminal (default when nothing else chooses them); --no-interactive turns it off' }) as Argv<T & ExecutionFlagArgs>;
}
