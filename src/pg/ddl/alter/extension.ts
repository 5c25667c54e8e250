// ALTER EXTENSION: version and schema. The extension's objects move with it.
import type { ExtensionObject } from '../../../model/schema.js';
import type { DdlStatement } from '../types.js';
import { quoteIdent, quoteLiteral } from '../../sql/quote.js';
import { ddl } from './statement.js';

export function updateExtension(ext: ExtensionObject, version: string): DdlStatement {
  return ddl(ext.key, `ALTER EXTENSION ${quoteIdent(ext.name)} UPDATE TO ${quoteLiteral(version)}`, 'pre-data');
}

export function setExtensionSchema(ext: ExtensionObject, schema: string): DdlStatement {
  return ddl(ext.key, `ALTER EXTENSION ${quoteIdent(ext.name)} SET SCHEMA ${quoteIdent(schema)}`, 'pre-data');
}
