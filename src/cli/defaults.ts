// Defaults the yargs definitions show in `--help` and the command bodies use. Kept in a module of their own that
// imports nothing, so a definition can name them without loading the command's body (commands/index.ts).

export const DEFAULT_SPEC_FILE = 'pgrepl.yaml';

/** `--lock-timeout` when not given: fail at once when another run holds the state lock. */
export const DEFAULT_LOCK_TIMEOUT = '0s';
