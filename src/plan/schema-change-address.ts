// The address of a schema diff's change (src/schema/diff/types.ts): `target.<kind>.<db key>[.<schema>].<addressName>`,
// and `target.database.<db key>` for the database-level change, whose addressName is the target database's name
// (the address keeps the spec's key even when the target database is renamed).
import { databaseAddress, schemaObjectAddress } from '../model/address.js';
import type { SchemaChange } from '../schema/diff/types.js';

export function schemaChangeAddress(dbKey: string, change: Pick<SchemaChange, 'kind' | 'schema' | 'addressName'>): string {
  if (change.kind === 'database') return databaseAddress(dbKey);
  return schemaObjectAddress(dbKey, change.kind, change.schema, change.addressName);
}
