// One parsed connection description with libpq semantics. Parsed once (src/pg/conninfo/parse.ts) from a URL or
// a `key=value` string plus the PG* environment and the passfile; rendered into node-postgres options, the
// subscription conninfo and child-process passfiles. Holds the password: never log or print the object itself;
// use `displayName()` for messages.

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

export interface ConnInfo {
  /** Host name, IP address, or an absolute unix-socket directory. Several hosts are not supported. */
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** Resolved password (from the string, PGPASSWORD or the passfile), or undefined. */
  readonly password?: string;
  /** Where the password came from, for messages ("from ~/.pgpass"). Never the password. */
  readonly passwordSource?: 'conninfo' | 'env' | 'passfile';
  /**
   * The passfile consulted for this connection (`passfile=`, PGPASSFILE or ~/.pgpass), kept so that a connection
   * to another database of the same server can look its password up again: pgpass lines match on the database.
   */
  readonly passfile?: string;
  readonly sslmode: SslMode;
  readonly sslrootcert?: string;
  readonly sslcert?: string;
  readonly sslkey?: string;
  readonly connectTimeoutSeconds?: number;
  readonly applicationName?: string;
  /**
   * Other accepted libpq keys, passed through to the subscription conninfo (e.g. `options`). Keys:
   * `options`, `keepalives`, `keepalives_idle`, `channel_binding`, `gssencmode`, `sslnegotiation`,
   * `fallback_application_name` (kept, but neither sessions nor subscriptions use it).
   */
  readonly extra: Readonly<Record<string, string>>;
}
