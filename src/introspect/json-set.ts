// ActualState must survive JSON (plan fixtures, `--json` debugging), but the contract's TargetCatalogLookup holds
// Sets, which JSON.stringify turns into `{}`. A Set that serialises as its sorted members keeps the contract's
// type and makes the JSON faithful; reviveActualState() turns those arrays back into Sets.
import type { TargetCatalogLookup } from '../schema/compat.js';
import type { ActualState } from './types.js';

export class JsonSet<T extends string> extends Set<T> {
  toJSON(): T[] {
    return [...this].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

/** The same lookup with Sets that serialise as sorted arrays. */
export function jsonLookup(lookup: TargetCatalogLookup): TargetCatalogLookup {
  return {
    functions: new JsonSet(lookup.functions),
    types: new JsonSet(lookup.types),
    collations: new JsonSet(lookup.collations),
    ...(lookup.operators ? { operators: new JsonSet(lookup.operators) } : {}),
    ...(lookup.roles ? { roles: new JsonSet(lookup.roles) } : {}),
  };
}

type LookupJson = { readonly [K in keyof TargetCatalogLookup]: readonly string[] | ReadonlySet<string> };

function toSet(value: readonly string[] | ReadonlySet<string>): ReadonlySet<string> {
  return new JsonSet(Array.isArray(value) ? value : [...(value as ReadonlySet<string>)]);
}

/** JSON.parse(JSON.stringify(actual)) back into an ActualState: the target lookups' arrays become Sets again. */
export function reviveActualState(parsed: unknown): ActualState {
  const state = parsed as ActualState;
  return {
    ...state,
    databases: state.databases.map((db) => {
      if (db.target === null) return db;
      const l = db.target.lookup as unknown as LookupJson;
      const lookup: TargetCatalogLookup = {
        functions: toSet(l.functions),
        types: toSet(l.types),
        collations: toSet(l.collations),
        ...(l.operators ? { operators: toSet(l.operators) } : {}),
        ...(l.roles ? { roles: toSet(l.roles) } : {}),
      };
      return { ...db, target: { ...db.target, lookup } };
    }),
  };
}
