import { describe, expect, it } from 'vitest';
import { objectKey } from '../../src/model/object-key.js';
import { planCreateDdl } from '../../src/pg/ddl/build-create-ddl.js';
import { column, constraint, index, model, table } from './ddl-model-builders.js';

const TABLE_COUNT = 1000;

describe('buildCreateDdl at scale', () => {
  it(`orders ${TABLE_COUNT} tables (10 columns, 2 indexes, 1 FK each) with every FK after the key it references`, () => {
    // Table i references table (i * 7 + 3) % N: references point forwards and backwards in key order.
    const name = (i: number): string => `t${String(i).padStart(4, '0')}`;
    const tables = Array.from({ length: TABLE_COUNT }, (_, i) => {
      const ref = (i * 7 + 3) % TABLE_COUNT;
      return table('app', name(i), {
        columns: Array.from({ length: 10 }, (_, c) => column(`c${c}`, c === 0 ? 'bigint' : 'text', { notNull: c === 0 })),
        constraints: [
          constraint(`${name(i)}_pkey`, 'p', 'PRIMARY KEY (c0)'),
          constraint(`${name(i)}_ref`, 'f', `FOREIGN KEY (c1) REFERENCES app.${name(ref)}(c0)`, { references: objectKey('table', 'app', name(ref)) }),
        ],
        indexes: [
          index(`${name(i)}_pkey`, `CREATE UNIQUE INDEX ${name(i)}_pkey ON app.${name(i)} USING btree (c0)`, { constraint: `${name(i)}_pkey` }),
          index(`${name(i)}_c2`, `CREATE INDEX ${name(i)}_c2 ON app.${name(i)} USING btree (c2)`),
        ],
      });
    });
    const started = performance.now();
    const { statements } = planCreateDdl(model(tables), { roles: 'copy', targetMajor: 17 });
    const elapsedMs = performance.now() - started;
    console.log(`planCreateDdl: ${TABLE_COUNT} tables -> ${statements.length} statements in ${elapsedMs.toFixed(0)} ms`);
    expect(statements).toHaveLength(TABLE_COUNT * 5);
    const at = new Map(statements.map((s, i) => [s.sql, i]));
    for (let i = 0; i < TABLE_COUNT; i++) {
      const ref = name((i * 7 + 3) % TABLE_COUNT);
      const fk = at.get(`ALTER TABLE ONLY app.${name(i)} ADD CONSTRAINT ${name(i)}_ref FOREIGN KEY (c1) REFERENCES app.${ref}(c0)`);
      const pk = at.get(`ALTER TABLE ONLY app.${ref} ADD CONSTRAINT ${ref}_pkey PRIMARY KEY (c0)`);
      expect(fk).toBeGreaterThan(pk ?? Infinity);
    }
  });
});
