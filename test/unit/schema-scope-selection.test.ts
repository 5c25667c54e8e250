// The spec's selection becomes the table keys scope closure takes, quoted the way object keys quote names.
import { describe, expect, it } from 'vitest';
import { selectedTableKeys } from '../../src/schema/scope-selection.js';

describe('selectedTableKeys', () => {
  it('takes tables with rows and schema-only tables, quoting awkward names like object keys, once each', () => {
    expect(selectedTableKeys({
      selected: [{ schema: 'Sales Dept', table: 'Order Lines' }, { schema: 'fx', table: 'orders' }],
      schemaOnly: [{ schema: 'fx', table: 'customers' }, { schema: 'fx', table: 'orders' }, { schema: 'my-app.core', table: 'my.table' }],
    })).toEqual(['table:"Sales Dept"."Order Lines"', 'table:"my-app.core"."my.table"', 'table:fx.customers', 'table:fx.orders']);
  });
});
