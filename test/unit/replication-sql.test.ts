import { describe, expect, it } from 'vitest';
import {
  addTablesStatements, createPublicationStatements, dropPublicationStatements, dropTablesStatements, setFilterStatements, setPublishStatements,
} from '../../src/pg/replication/publication-sql.js';
import { quoteLiteral } from '../../src/pg/sql/quote.js';
import { createSlotCommand } from '../../src/pg/replication/slot-sql.js';
import {
  alterSubscriptionOptionsSql, commentOnSubscriptionSql, createSubscriptionSql, detachAndDropStatements, disableSql, enableSql,
  redactedCreateSubscriptionSql, refreshPublicationSql, subscriptionOptionSupport, subscriptionStatements,
} from '../../src/pg/replication/subscription-sql.js';

const ALL = ['insert', 'update', 'delete', 'truncate'] as const;
const sqls = (s: readonly { sql: string }[]): string[] => s.map((x) => x.sql);

describe('publication statements', () => {
  it('creates with tables, filters, options and the comment', () => {
    const st = createPublicationStatements('pgrepl_shop_1a2b3c4d', [
      { schema: 'public', name: 'orders', filter: null },
      { schema: 'Sales', name: 'Order Lines', filter: "region = 'eu'" },
    ], { publish: ['update', 'insert', 'delete', 'truncate'], viaRoot: true, sourceMajor: 15, comment: "managed by pgrepl l-1 it's" });
    expect(sqls(st)).toEqual([
      'CREATE PUBLICATION pgrepl_shop_1a2b3c4d FOR TABLE public.orders, "Sales"."Order Lines" WHERE (region = \'eu\') ' +
        "WITH (publish = 'insert, update, delete, truncate', publish_via_partition_root = true)",
      "COMMENT ON PUBLICATION pgrepl_shop_1a2b3c4d IS 'managed by pgrepl l-1 it''s'",
    ]);
    expect(st.every((s) => s.transactional && s.phase === 'post-data' && s.object === 'publication:pgrepl_shop_1a2b3c4d')).toBe(true);
  });
  it('has no FOR clause without tables; viaRoot false is explicit on 13+ and absent on 12', () => {
    expect(sqls(createPublicationStatements('p', [], { publish: ['insert'], viaRoot: false, sourceMajor: 13, comment: 'c' }))[0])
      .toBe("CREATE PUBLICATION p WITH (publish = 'insert', publish_via_partition_root = false)");
    expect(sqls(createPublicationStatements('p', [{ schema: 'public', name: 't', filter: null }], { publish: [...ALL], viaRoot: false, sourceMajor: 12, comment: 'c' }))[0])
      .toBe("CREATE PUBLICATION p FOR TABLE public.t WITH (publish = 'insert, update, delete, truncate')");
    expect(() => createPublicationStatements('p', [], { publish: [...ALL], viaRoot: true, sourceMajor: 12, comment: 'c' })).toThrow(/13\+/);
  });
  it('refuses a filter before 15 and a bad name', () => {
    expect(() => createPublicationStatements('p', [{ schema: 'public', name: 't', filter: 'id > 1' }], { publish: [...ALL], viaRoot: false, sourceMajor: 14, comment: 'c' }))
      .toThrow(/15\+/);
    expect(() => dropPublicationStatements('pgrepl_my-app')).toThrow(/invalid publication name/);
  });
  it('adds, drops, re-filters (DROP + ADD, never SET TABLE), sets publish, drops', () => {
    expect(sqls(addTablesStatements('p', [{ schema: 'public', name: 'a', filter: 'id > 5' }, { schema: 'public', name: 'user', filter: null }], 17)))
      .toEqual(['ALTER PUBLICATION p ADD TABLE public.a WHERE (id > 5), public."user"']);
    expect(addTablesStatements('p', [], 17)).toEqual([]);
    expect(sqls(dropTablesStatements('p', [{ schema: 'public', name: 'a' }]))).toEqual(['ALTER PUBLICATION p DROP TABLE public.a']);
    const refilter = sqls(setFilterStatements('p', { schema: 'public', name: 'a' }, 'id > 10', 16));
    expect(refilter).toEqual(['ALTER PUBLICATION p DROP TABLE public.a', 'ALTER PUBLICATION p ADD TABLE public.a WHERE (id > 10)']);
    expect(refilter.join(' ')).not.toMatch(/SET TABLE/);
    expect(sqls(setFilterStatements('p', { schema: 'public', name: 'a' }, null, 16))[1]).toBe('ALTER PUBLICATION p ADD TABLE public.a');
    expect(sqls(setPublishStatements('p', { publish: ['insert', 'delete'], viaRoot: true, sourceMajor: 16 })))
      .toEqual(["ALTER PUBLICATION p SET (publish = 'insert, delete', publish_via_partition_root = true)"]);
    expect(sqls(dropPublicationStatements('p'))).toEqual(['DROP PUBLICATION IF EXISTS p']);
  });
});

describe('slot command', () => {
  it('uses the keyword syntax 12–18 accept', () => {
    expect(createSlotCommand('pgrepl_a_1', true)).toBe('CREATE_REPLICATION_SLOT pgrepl_a_1 LOGICAL pgoutput EXPORT_SNAPSHOT');
    expect(createSlotCommand('pgrepl_a_1', false)).toBe('CREATE_REPLICATION_SLOT pgrepl_a_1 LOGICAL pgoutput NOEXPORT_SNAPSHOT');
    expect(createSlotCommand('s', true, true)).toBe("CREATE_REPLICATION_SLOT s LOGICAL pgoutput (SNAPSHOT 'export', FAILOVER true)");
    expect(createSlotCommand('s', false, true)).toBe("CREATE_REPLICATION_SLOT s LOGICAL pgoutput (SNAPSHOT 'nothing', FAILOVER true)");
    expect(() => createSlotCommand('pgrepl_my-app', true)).toThrow(/invalid slot name/);
    expect(() => createSlotCommand('x'.repeat(64), true)).toThrow(/invalid slot name/);
  });
});

describe('subscription statements', () => {
  const conninfo = "host=db port=5432 dbname=shop user=src password='p:a\\\\ss@w%rd/ it\\'s' sslmode=require";
  it('creates with the fixed options first and the spec options sorted', () => {
    const sql = createSubscriptionSql('s1', conninfo, 'p1', 'sl1', { streaming: 'parallel', binary: true, disable_on_error: false }, { copyData: false, enabled: true });
    expect(sql).toBe(
      `CREATE SUBSCRIPTION s1 CONNECTION ${quoteLiteral(conninfo)} PUBLICATION p1 WITH (create_slot = false, slot_name = 'sl1', ` +
        "copy_data = false, enabled = true, binary = true, disable_on_error = false, streaming = 'parallel')",
    );
    expect(sql.startsWith("CREATE SUBSCRIPTION s1 CONNECTION E'host=db")).toBe(true);
  });
  it('redacts the password in the preview', () => {
    const shown = redactedCreateSubscriptionSql('s1', conninfo, 'p1', 'sl1', {}, { copyData: true, enabled: false });
    expect(shown).toBe("CREATE SUBSCRIPTION s1 CONNECTION 'host=db port=5432 dbname=shop user=src password=<redacted> sslmode=require' " +
      "PUBLICATION p1 WITH (create_slot = false, slot_name = 'sl1', copy_data = true, enabled = false)");
    expect(shown).not.toContain('w%rd');
  });
  it('refuses options the engine fixes and odd option names', () => {
    expect(() => createSubscriptionSql('s', 'host=x', 'p', 's', { copy_data: true }, { copyData: false, enabled: true })).toThrow(/set by pgrepl/);
    expect(() => alterSubscriptionOptionsSql('s', { 'binary = true); DROP': true })).toThrow(/invalid subscription option/);
    expect(() => alterSubscriptionOptionsSql('s', {})).toThrow();
  });
  it('alters, enables, refreshes, comments, detaches and drops', () => {
    expect(alterSubscriptionOptionsSql('s', { synchronous_commit: 'off', binary: false })).toBe("ALTER SUBSCRIPTION s SET (binary = false, synchronous_commit = 'off')");
    expect(enableSql('s')).toBe('ALTER SUBSCRIPTION s ENABLE');
    expect(disableSql('s')).toBe('ALTER SUBSCRIPTION s DISABLE');
    expect(refreshPublicationSql('s', true)).toBe('ALTER SUBSCRIPTION s REFRESH PUBLICATION WITH (copy_data = true)');
    expect(commentOnSubscriptionSql('s', 'managed by pgrepl x')).toBe("COMMENT ON SUBSCRIPTION s IS 'managed by pgrepl x'");
    const detach = detachAndDropStatements('s');
    expect(sqls(detach)).toEqual(['ALTER SUBSCRIPTION s DISABLE', 'ALTER SUBSCRIPTION s SET (slot_name = NONE)', 'DROP SUBSCRIPTION s']);
    expect(detach.every((s) => !s.transactional && s.object === 'subscription:s')).toBe(true);
    const refresh = subscriptionStatements('s', [refreshPublicationSql('s', false)], { autocommit: true });
    expect(refresh).toEqual([{ sql: 'ALTER SUBSCRIPTION s REFRESH PUBLICATION WITH (copy_data = false)', transactional: false, phase: 'post-data', object: 'subscription:s' }]);
    expect(subscriptionStatements('s', [enableSql('s')], { autocommit: false })[0]?.transactional).toBe(true);
  });
});

describe('subscriptionOptionSupport', () => {
  const s = subscriptionOptionSupport;
  it('follows the facts table', () => {
    expect(s('binary', 13, 13).supported).toBe(false);
    expect(s('binary', 14, 14)).toMatchObject({ supported: true, effective: true, alterInPlace: 'yes' });
    expect(s('binary', 17, 13)).toMatchObject({ supported: true, effective: false, alterInPlace: 'yes' });
    expect(s('binary', 17, 13).note).toMatch(/ignores binary/);
    expect(s('streaming', 15, 15, 'parallel').supported).toBe(false);
    expect(s('streaming', 16, 16, 'parallel')).toMatchObject({ supported: true, effective: true });
    expect(s('streaming', 16, 14, true)).toMatchObject({ supported: true, effective: true });
    expect(s('disable_on_error', 14, 17).supported).toBe(false);
    expect(s('disable_on_error', 15, 12)).toMatchObject({ supported: true, effective: true, alterInPlace: 'yes' });
    expect(s('two_phase', 17, 17)).toMatchObject({ supported: true, effective: true, alterInPlace: 'no' });
    expect(s('two_phase', 18, 17)).toMatchObject({ supported: true, effective: true, alterInPlace: 'while-disabled' });
    expect(s('two_phase', 18, 14)).toMatchObject({ supported: true, effective: false });
    expect(s('origin', 15, 16).supported).toBe(false);
    expect(s('origin', 16, 15)).toMatchObject({ supported: true, effective: false, alterInPlace: 'yes' });
    expect(s('password_required', 16, 12)).toMatchObject({ supported: true, effective: true, alterInPlace: 'yes' });
    expect(s('run_as_owner', 15, 15).supported).toBe(false);
    expect(s('failover', 17, 17)).toMatchObject({ supported: true, effective: true, alterInPlace: 'while-disabled' });
    expect(s('failover', 17, 16)).toMatchObject({ supported: false, effective: false });
    expect(s('failover', 16, 17).supported).toBe(false);
    expect(s('synchronous_commit', 12, 12)).toMatchObject({ supported: true, effective: true, alterInPlace: 'yes' });
    expect(s('slot_name', 12, 12).alterInPlace).toBe('while-disabled');
    expect(s('nonsense', 17, 17)).toMatchObject({ supported: false, effective: false });
  });
});
