// The same server and role, another database. A password that came from a passfile is looked up again, because
// pgpass lines match on the database name as well (libpq would do the same for a new connection string).
import { defaultWarningSink, lookupPassfile, type WarningSink } from './pgpass.js';
import type { ConnInfo } from './types.js';

export function forDatabase(ci: ConnInfo, database: string, onWarning: WarningSink = defaultWarningSink): ConnInfo {
  if (database === ci.database) return ci;
  const { password: _password, passwordSource: _source, ...rest } = ci;
  const fromFile = ci.passwordSource === undefined || ci.passwordSource === 'passfile';
  if (!fromFile) return Object.freeze({ ...ci, database });
  const found =
    ci.passfile === undefined
      ? undefined
      : lookupPassfile(ci.passfile, { host: ci.host, port: ci.port, database, user: ci.user }, onWarning) || undefined;
  return Object.freeze({
    ...rest,
    database,
    ...(found === undefined ? {} : { password: found, passwordSource: 'passfile' as const }),
  });
}
