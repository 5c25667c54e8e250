// Everything the pure checks look at: both servers' probes, each selected database's catalog and scope, and the
// results of the probes that ran inside BEGIN … ROLLBACK. Gathered by src/validate/gather.ts (I/O through
// src/pg); built by hand in unit tests.
import type { StateProbe } from './state-probe.js';
import type {
  CatalogProbe,
  FilterProbeResult,
  ServerProbe,
  SubscriptionProbeResult,
} from '../pg/catalog/validate/types.js';
import type { DatabaseSpec, Spec } from '../spec/model.js';
import type { DatabaseScope } from './scope.js';

export interface UnmatchedDatabase {
  readonly name: string;
  readonly suggestions: readonly string[];
  /** The spec entry it came from: databases, include_databases, exclude_databases. */
  readonly list: string;
}

export interface DatabaseInput {
  readonly spec: DatabaseSpec;
  /** null when the source could not be reached. */
  readonly catalog: CatalogProbe | null;
  /** null when there is no catalog. */
  readonly scope: DatabaseScope | null;
}

export type SubscriptionProbes =
  | { readonly ran: true; readonly results: readonly SubscriptionProbeResult[]; readonly probedIn: string }
  | { readonly ran: false; readonly reason: string };

export interface ValidateInput {
  readonly spec: Spec;
  readonly source: ServerProbe;
  readonly target: ServerProbe;
  readonly databases: readonly DatabaseInput[];
  readonly unmatchedDatabases: readonly UnmatchedDatabase[];
  /** Databases a rule chose that cannot be replicated as chosen (their target name is taken). */
  readonly databaseConflicts: readonly { readonly name: string; readonly message: string }[];
  readonly filterProbes: readonly FilterProbeResult[];
  readonly subscriptionProbes: SubscriptionProbes;
  /** Where the state lives (state-probe.ts); absent in fixtures that do not test it. */
  readonly state?: StateProbe;
}
