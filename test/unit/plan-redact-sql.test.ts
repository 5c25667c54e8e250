import { describe, expect, it } from 'vitest';
import { redactSql } from '../../src/plan/redact-sql.js';

describe('redactSql', () => {
  it('redacts the password of a CREATE SUBSCRIPTION conninfo', () => {
    expect(redactSql("CREATE SUBSCRIPTION s CONNECTION 'host=db port=5432 user=rep password=s3cret dbname=shop' PUBLICATION p"))
      .toBe("CREATE SUBSCRIPTION s CONNECTION 'host=db port=5432 user=rep password=<redacted> dbname=shop' PUBLICATION p");
  });

  it('handles a quoted password with spaces and doubled SQL quotes', () => {
    // SQL literal holds the conninfo  password='it''s a secret'  (libpq quoting inside SQL quoting).
    const sql = "ALTER SUBSCRIPTION s connection 'user=rep password=''it\\''s a secret'' host=x'";
    const out = redactSql(sql);
    expect(out).not.toContain('secret');
    expect(out).toContain('password=<redacted>');
    expect(out).toContain('host=x');
  });

  it('handles the E-string form quoteLiteral writes for backslashes', () => {
    const out = redactSql("CREATE SUBSCRIPTION s CONNECTION E'user=rep password=a\\\\b host=h' PUBLICATION p");
    expect(out).toBe("CREATE SUBSCRIPTION s CONNECTION 'user=rep password=<redacted> host=h' PUBLICATION p");
  });

  it('redacts URLs and percent-encoded keys', () => {
    expect(redactSql("CREATE SUBSCRIPTION s CONNECTION 'postgresql://rep:pw@h/db?sslmode=require' PUBLICATION p"))
      .toBe("CREATE SUBSCRIPTION s CONNECTION 'postgresql://rep:<redacted>@h/db?sslmode=require' PUBLICATION p");
    expect(redactSql("CREATE SUBSCRIPTION s CONNECTION 'postgresql://h/db?p%61ssword=pw' PUBLICATION p")).not.toContain('=pw');
  });

  it('hides everything after an unterminated or unparseable conninfo', () => {
    expect(redactSql("CREATE SUBSCRIPTION s CONNECTION 'password=pw")).toBe(
      "CREATE SUBSCRIPTION s CONNECTION '<conninfo redacted: not a valid connection string>'");
    expect(redactSql("CREATE SUBSCRIPTION s CONNECTION 'password=''pw'")).not.toContain('pw');
  });

  it('redacts every CONNECTION and leaves other SQL alone', () => {
    const sql = "SELECT 'password=x'; ALTER SUBSCRIPTION a CONNECTION 'password=1'; ALTER SUBSCRIPTION b CONNECTION 'password=2'";
    expect(redactSql(sql)).toBe(
      "SELECT 'password=x'; ALTER SUBSCRIPTION a CONNECTION 'password=<redacted>'; ALTER SUBSCRIPTION b CONNECTION 'password=<redacted>'");
    expect(redactSql('CREATE TABLE myconnection (a int)')).toBe('CREATE TABLE myconnection (a int)');
  });
});
