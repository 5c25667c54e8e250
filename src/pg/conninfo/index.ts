// The connection-description API in one import: parse once, render everywhere.
export type { ConnInfo, SslMode } from './types.js';
export { parseConnString, type ParseOptions } from './parse.js';
export { forDatabase } from './for-database.js';
export { toPgConfig, firstTlsAttempt, fallbackTlsAttempt, DEFAULT_CONNECT_TIMEOUT_MS, type PgConfigOptions, type TlsAttempt } from './pg-config.js';
export { toSubscriptionConninfo, type SubscriptionConninfoOptions } from './subscription.js';
export { toChildConninfo } from './child-conninfo.js';
export { redactedConninfo, REDACTED } from './redact.js';
export { displayName, identity } from './display.js';
export { quoteConninfoValue, renderConninfo } from './quote.js';
export { passfileLine, escapePassfileField, lookupPassfile, type WarningSink } from './pgpass.js';
export { writeTemporaryPassfile, type TemporaryPassfile } from './temporary-passfile.js';
export { startupOptions, sessionSettings, APPLICATION_NAME, type Side } from './startup-options.js';
export { SUPPORTED_KEYS, UNSUPPORTED_KEYS, UNSUPPORTED_ENV } from './keys.js';
