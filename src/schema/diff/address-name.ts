// The last address segment of a schema object (CONTRACTS.md addresses): unique within its kind and schema, so
// overloads and same-named operator classes of different access methods get different plan addresses.
import type { SchemaObjectAny } from '../../model/schema.js';

export function changeAddressName(obj: SchemaObjectAny): string {
  switch (obj.kind) {
    case 'function':
      return `${obj.name}(${obj.identityArguments})`;
    case 'operator':
      return `${obj.name}(${obj.left ?? 'NONE'}, ${obj.right ?? 'NONE'})`;
    case 'opclass':
    case 'opfamily':
      return `${obj.name} USING ${obj.accessMethod}`;
    default:
      return obj.name;
  }
}
