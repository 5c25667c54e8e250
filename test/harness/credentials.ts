// Role names and passwords of harness clusters. Each password holds `: \ @ % / '` and a space, and each role has
// its own, so a test catches a URL that is not percent-decoded, a passfile line that is not escaped, a quote that
// breaks a SQL literal, and a credential handed to the wrong role.

export interface RoleCredentials { readonly user: string; readonly password: string }

export const SUPERUSER_NAME = 'postgres';
/** Set on the superuser under the scram profile only (under trust its password is ''). */
export const SUPERUSER_PASSWORD = "su:p\\er@w%rd/ it's";

/** LOGIN REPLICATION, not superuser: owns the source tables (publications need ownership). */
export const SOURCE_ROLE: RoleCredentials = { user: 'src_owner', password: "p:a\\ss@w%rd/ it's" };
/** LOGIN CREATEDB, not superuser; member of pg_create_subscription on 16+. */
export const TARGET_ROLE: RoleCredentials = { user: 'tgt_user', password: "t:g\\t@w%rd/ it's" };
/** LOGIN only: reads the hostile database's tables but owns none (sees a subset of the RLS table). */
export const READER_ROLE: RoleCredentials = { user: 'rls_reader', password: "r:e\\ad@w%rd/ it's" };

/** A password that belongs to no role (for "wrong password is refused" tests). */
export const WRONG_PASSWORD = "wrong:p\\w@%/ it's";
