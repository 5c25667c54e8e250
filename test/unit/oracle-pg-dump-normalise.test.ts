// The pg_dump oracle's normaliser: statement splitting must not cut inside bodies, strings or identifiers, and
// sorting must make order irrelevant while a changed line still shows.
import { describe, expect, it } from 'vitest';
import { compareNormalisedDumps, normalisePgDump } from '../oracle/pg-dump-normalise.js';
import { splitStatements } from '../oracle/sql-statements.js';

describe('splitStatements', () => {
  it('keeps semicolons inside dollar-quoted bodies, strings, identifiers and comments', () => {
    const sql = [
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$ BEGIN RETURN 1; END; $fn$;",
      "COMMENT ON TABLE t IS 'a; b '' c;';",
      'CREATE TABLE "x;y" (a int);',
      "SELECT 1 /* a ; /* nested ; */ still ; */ + 2;",
      "SELECT E'it\\'s; fine';",
      'SELECT $$ ; $$ || $a$ $$ ; $a$;',
    ].join('\n');
    expect(splitStatements(sql)).toEqual([
      'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$ BEGIN RETURN 1; END; $fn$',
      "COMMENT ON TABLE t IS 'a; b '' c;'",
      'CREATE TABLE "x;y" (a int)',
      'SELECT 1 /* a ; /* nested ; */ still ; */ + 2',
      "SELECT E'it\\'s; fine'",
      'SELECT $$ ; $$ || $a$ $$ ; $a$',
    ]);
  });

  it('does not take $1 or an identifier with $ for a dollar quote', () => {
    expect(splitStatements('SELECT $1 + a$b$c; SELECT 2;')).toEqual(['SELECT $1 + a$b$c', 'SELECT 2']);
  });

  it('drops comment-only lines (even with a ; in them) and ends psql meta-commands at the line end', () => {
    const dump = '--\n-- Name: t; Type: TABLE; Schema: public; Owner: me\n--\n\n\\restrict abc\nCREATE TABLE t (\n    a int -- x;\n);\n\\unrestrict abc\n';
    expect(splitStatements(dump)).toEqual(['\\restrict abc', 'CREATE TABLE t (\n    a int -- x;\n)', '\\unrestrict abc']);
  });
});

describe('normalisePgDump', () => {
  const first = '\\restrict KEY1\nSET x = 1;\n\nCREATE TABLE b (\n    x int\n);\n\nCREATE TABLE a (\n    y int\n);\n\\unrestrict KEY1\n';
  const reordered = '\\restrict KEY2\nSET x = 1;\nCREATE TABLE a (\n    y int\n);\nCREATE TABLE b (\n    x int\n);\n\\unrestrict KEY2\n';

  it('sorts statements and drops the \\restrict lines, so order and the key do not matter', () => {
    expect(normalisePgDump(first)).toEqual(normalisePgDump(reordered));
    expect(normalisePgDump(first)).toEqual(['CREATE TABLE a (\n    y int\n)', 'CREATE TABLE b (\n    x int\n)', 'SET x = 1']);
  });

  it('keeps the lines of a statement in order: swapped columns are a difference', () => {
    const swapped = 'CREATE TABLE t (\n    b int,\n    a int\n);';
    const original = 'CREATE TABLE t (\n    a int,\n    b int\n);';
    const diff = compareNormalisedDumps(normalisePgDump(original), normalisePgDump(swapped));
    expect(diff.onlyInFirst).toEqual(['CREATE TABLE t (\n    a int,\n    b int\n)']);
    expect(diff.onlyInSecond).toEqual(['CREATE TABLE t (\n    b int,\n    a int\n)']);
  });

  it('sorts storage parameters (their order has no meaning) but not their values', () => {
    const stored = "CREATE TABLE t (\n    a int\n)\nWITH (fillfactor='70', autovacuum_enabled='false');";
    const sorted = "CREATE TABLE t (\n    a int\n)\nWITH (autovacuum_enabled='false', fillfactor='70');";
    expect(normalisePgDump(stored)).toEqual(normalisePgDump(sorted));
    const other = "CREATE TABLE t (\n    a int\n)\nWITH (autovacuum_enabled='false', fillfactor='80');";
    expect(normalisePgDump(stored)).not.toEqual(normalisePgDump(other));
  });

  it('sorts a policy\'s roles (pg_dump prints them in role creation order) but keeps the rest', () => {
    const a = 'CREATE POLICY p ON fx.orders FOR SELECT TO fx_reader, "fx_Odd Role" USING ((status IS NOT NULL));';
    const b = 'CREATE POLICY p ON fx.orders FOR SELECT TO "fx_Odd Role", fx_reader USING ((status IS NOT NULL));';
    expect(normalisePgDump(a)).toEqual(normalisePgDump(b));
    expect(normalisePgDump(a)).toEqual(['CREATE POLICY p ON fx.orders FOR SELECT TO "fx_Odd Role", fx_reader USING ((status IS NOT NULL))']);
    const other = 'CREATE POLICY p ON fx.orders FOR SELECT TO "fx_Odd Role", fx_writer USING ((status IS NOT NULL));';
    expect(normalisePgDump(a)).not.toEqual(normalisePgDump(other));
    expect(normalisePgDump('CREATE POLICY p ON t TO b, a;')).toEqual(['CREATE POLICY p ON t TO a, b']);
  });

  it('counts duplicates: a statement twice is not the same as once', () => {
    const diff = compareNormalisedDumps(normalisePgDump('GRANT a;\nGRANT a;'), normalisePgDump('GRANT a;'));
    expect(diff).toEqual({ onlyInFirst: ['GRANT a'], onlyInSecond: [] });
  });
});
