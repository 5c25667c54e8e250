// Brings a parsed state file of an older format up to STATE_FORMAT_VERSION, one format at a time, and refuses a
// file from a newer pgrepl: reading it could drop fields this version does not know, and the next write would
// lose them for good (Terraform refuses the same way).
import { PgreplError } from '../util/errors.js';
import { STATE_FORMAT_VERSION } from './state-document.js';

/** A JSON object as read from disk, before it is checked. */
export type RawStateObject = Readonly<Record<string, unknown>>;

/** `upgrades[n]` turns a format-n document into a format-(n+1) one. */
export type StateUpgrades = Readonly<Record<number, (doc: RawStateObject) => RawStateObject>>;

/** Format 1 is the first; the upgrade from 1 to 2 goes here when format 2 is made. */
export const STATE_UPGRADES: StateUpgrades = {};

export interface UpgradeOptions {
  /** For tests of the upgrade chain; defaults to STATE_FORMAT_VERSION and STATE_UPGRADES. */
  readonly current?: number;
  readonly upgrades?: StateUpgrades;
}

/**
 * Returns `doc` at the current format (the same object when it already is); `source` names the file in errors.
 * Checks only `version`; the caller validates the rest against the current format's schema.
 */
export function upgradeState(doc: unknown, source: string, options: UpgradeOptions = {}): RawStateObject {
  const current = options.current ?? STATE_FORMAT_VERSION;
  const upgrades = options.upgrades ?? STATE_UPGRADES;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new PgreplError(`${source} is not a pgrepl state file: it holds no JSON object`);
  }
  let result = doc as RawStateObject;
  const version = result['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new PgreplError(`${source} is not a pgrepl state file: "version" must be a whole number from 1`);
  }
  if (version > current) {
    const writer = typeof result['pgrepl_version'] === 'string' ? [`it was written by pgrepl ${result['pgrepl_version']}`] : [];
    throw new PgreplError(
      `${source}: state file written by a newer pgrepl (format ${version}); this pgrepl reads format ${current}: upgrade pgrepl`,
      { hints: writer },
    );
  }
  for (let from = version; from < current; from++) {
    const step = upgrades[from];
    if (step === undefined) throw new Error(`no state upgrade from format ${from} to ${from + 1}`);
    result = step(result);
    if (result['version'] !== from + 1) {
      throw new Error(`state upgrade from format ${from} produced format ${String(result['version'])}, not ${from + 1}`);
    }
  }
  return result;
}
