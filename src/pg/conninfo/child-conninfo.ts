// The `--dbname` conninfo for a child client tool (psql, pg_dump, pg_restore): the same server, TLS settings and
// session settings as pgrepl's own sessions, and no password (that goes in a temporary passfile).
import { APPLICATION_NAME, startupOptions, type Side } from './startup-options.js';
import { quoteConninfoValue } from './quote.js';
import { toSubscriptionConninfo } from './subscription.js';
import type { ConnInfo } from './types.js';

export function toChildConninfo(ci: ConnInfo, side: Side): string {
  const withSettings: ConnInfo = { ...ci, extra: { ...ci.extra, options: startupOptions(side, ci.extra['options']) } };
  return `${toSubscriptionConninfo(withSettings, { includePassword: false })} application_name=${quoteConninfoValue(APPLICATION_NAME)}`;
}
