// Flag values: `[db.][schema.]table` names and comma lists, --table-filter split on the first colon,
// --time-filter with its window, now() predicates that become windows, non-immutable calls.
import { describe, expect, it } from 'vitest';
import { nowWindow } from '../../src/flags/now-predicate.js';
import { nonImmutableCalls } from '../../src/spec/non-immutable-calls.js';
import { parseTableFilterFlags, tryParseTableFilterFlag } from '../../src/flags/table-filter-flag.js';
import { splitCommaList, splitTableRef } from '../../src/flags/table-ref.js';
import { parseTimeFilterFlags, tryParseTimeFilterFlag } from '../../src/flags/time-filter-flag.js';
import { InputError, formatDiagnostic } from '../../src/util/errors.js';

describe('splitTableRef', () => {
  it.each([
    ['orders', ['orders']],
    ['myapp.orders', ['myapp', 'orders']],
    ['myapp.sales.orders', ['myapp', 'sales', 'orders']],
    [' myapp . Order Lines ', ['myapp', 'Order Lines']],
    ['"my.db"."Sales"."Order Lines"', ['my.db', 'Sales', 'Order Lines']],
    ['"say ""hi"""', ['say "hi"']],
    ['"a" . "b"', ['a', 'b']],
    ['my-app.Orders', ['my-app', 'Orders']],
    ['public.we*rd', ['public', 'we*rd']],
  ])('%s', (text, parts) => {
    expect(splitTableRef(text)).toEqual({ parts });
  });

  it.each([
    ['', 'empty table name'],
    ['a..b', 'empty name part'],
    ['.b', 'empty name part'],
    ['a.', 'empty name part'],
    ['a.b.c.d', '4 dot-separated parts'],
    ['"abc', 'unterminated double quote'],
    ['"a"b', 'a quoted name must be the whole part'],
    ['a"b', 'a double quote inside an unquoted name'],
    ['""', 'empty quoted name'],
  ])('refuses %j', (text, why) => {
    const r = splitTableRef(text);
    expect('error' in r && r.error).toContain(why);
  });
});

describe('splitCommaList', () => {
  it('splits on commas outside quotes, trims, drops empties', () => {
    expect(splitCommaList('myapp.users, myapp.orders ,analytics.events')).toEqual(['myapp.users', 'myapp.orders', 'analytics.events']);
    expect(splitCommaList('"a,b".c,d')).toEqual(['"a,b".c', 'd']);
    expect(splitCommaList('"x"",y".z,w')).toEqual(['"x"",y".z', 'w']);
    expect(splitCommaList('')).toEqual([]);
    expect(splitCommaList(' , a,,')).toEqual(['a']);
  });
});

describe('--table-filter', () => {
  it('splits on the first colon only: casts and time literals stay in the predicate', () => {
    expect(tryParseTableFilterFlag("output:series_time >= NOW() - INTERVAL '6 months'")).toEqual({
      ref: { parts: ['output'], raw: 'output', origin: '--table-filter' },
      where: "series_time >= NOW() - INTERVAL '6 months'",
    });
    expect(tryParseTableFilterFlag("app.sales.orders:created::date > '2024-01-01' AND t > '12:00'")).toMatchObject({
      ref: { parts: ['app', 'sales', 'orders'] },
      where: "created::date > '2024-01-01' AND t > '12:00'",
    });
    expect(tryParseTableFilterFlag('"we:ird".t:id > 1')).toMatchObject({ ref: { parts: ['we:ird', 't'] }, where: 'id > 1' });
  });

  it('names the value and the expected shape when malformed, every value at once', () => {
    let err: unknown;
    try {
      parseTableFilterFlags(['orders', ':id > 1', 'orders:  ', 'a..b:id > 1', 'ok:id > 1']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const lines = (err as InputError).diagnostics.map(formatDiagnostic);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('--table-filter "orders": no ":" between the table and the predicate');
    expect(lines[0]).toContain('expected --table-filter "[db.][schema.]table:PREDICATE"');
    expect(lines[1]).toContain('--table-filter ":id > 1": no table before the ":"');
    expect(lines[2]).toContain('no predicate after the ":"');
    expect(lines[3]).toContain('invalid table name "a..b"');
  });
});

describe('--time-filter', () => {
  it('reads table, column and window (singular or plural units)', () => {
    expect(tryParseTimeFilterFlag('metrics:created_at:6 months')).toEqual({
      ref: { parts: ['metrics'], raw: 'metrics', origin: '--time-filter' },
      column: 'created_at',
      last: '6 months',
    });
    expect(tryParseTimeFilterFlag('analytics.metrics:timestamp:1 year')).toMatchObject({ ref: { parts: ['analytics', 'metrics'] }, column: 'timestamp', last: '1 year' });
    expect(tryParseTimeFilterFlag('a.b.c:"Created At":30 seconds')).toMatchObject({ ref: { parts: ['a', 'b', 'c'] }, column: 'Created At', last: '30 seconds' });
    expect(tryParseTimeFilterFlag('e:"a:b":2 weeks')).toMatchObject({ column: 'a:b', last: '2 weeks' });
    expect(tryParseTimeFilterFlag('e:c:1 days')).toMatchObject({ last: '1 day' });
  });

  it('refuses malformed values with an example', () => {
    let err: unknown;
    try {
      parseTimeFilterFlags(['metrics:6 months', 'metrics:c:6 fortnights', ':c:1 day', 'm::1 day', 'm:c:', 'm:"c:1 day']);
    } catch (e) {
      err = e;
    }
    const lines = (err as InputError).diagnostics.map(formatDiagnostic);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toContain('--time-filter "metrics:6 months": it needs two ":" (table:column:window)');
    expect(lines[0]).toContain('e.g. --time-filter "metrics:created_at:6 months"');
    expect(lines[1]).toContain('"6 fortnights" is not a window');
    expect(lines[2]).toContain('no table before the first ":"');
    expect(lines[3]).toContain('no column');
    expect(lines[4]).toContain('no window');
    expect(lines[5]).toContain('unbalanced double quotes');
  });
});

describe('nowWindow', () => {
  it.each([
    ["created_at > NOW() - INTERVAL '90 days'", { column: 'created_at', last: '90 days', strict: true }],
    ["created_at >= now() - interval '6 months'", { column: 'created_at', last: '6 months', strict: false }],
    ["Created_At>=CURRENT_TIMESTAMP-'1 year'::interval", { column: 'created_at', last: '1 year', strict: false }],
    ["(\"Event Time\" > (now() - INTERVAL '2 weeks'))", { column: 'Event Time', last: '2 weeks', strict: true }],
    ["ts >= pg_catalog.now() - ('12 hours'::INTERVAL)", { column: 'ts', last: '12 hours', strict: false }],
    ["ts > (NOW()) - interval '1 days'", { column: 'ts', last: '1 day', strict: true }],
  ])('%s', (where, window) => {
    expect(nowWindow(where)).toEqual(window);
  });

  it.each([
    "created_at < now() - interval '90 days'",
    "created_at > now() + interval '90 days'",
    "created_at > now() - interval '90 days' AND x = 1",
    "created_at > clock_timestamp() - interval '1 day'",
    "created_at > now() - interval '1 day 2 hours'",
    "created_at > current_date - interval '1 day'",
    "status IN ('active','pending')",
    "created_at > '2024-01-01'",
  ])('not a window: %s', (where) => {
    expect(nowWindow(where)).toBeNull();
  });
});

describe('nonImmutableCalls', () => {
  it('finds functions and keywords, skipping literals, quoted names and columns', () => {
    expect(nonImmutableCalls("created_at > NOW() - INTERVAL '90 days'")).toEqual(['now']);
    expect(nonImmutableCalls("d > current_date AND u = current_user AND r < random() AND 'now()' <> x")).toEqual(['current_date', 'current_user', 'random']);
    expect(nonImmutableCalls('"now"() IS NULL OR t.now > 1 OR now > 2')).toEqual([]);
    expect(nonImmutableCalls("age(born) > interval '18 years' AND age(a, b) > '1 day'")).toEqual(['age']);
    expect(nonImmutableCalls("id = nextval('s') OR x = current_setting('a.b') -- now()\n/* random() */")).toEqual(['nextval', 'current_setting']);
    expect(nonImmutableCalls('x = $$now()$$ OR y = E\'it\\\'s now()\' OR pg_catalog.clock_timestamp() > t')).toEqual(['clock_timestamp']);
    expect(nonImmutableCalls("status IN ('active', 'pending') AND id % 2 = 0")).toEqual([]);
    expect(nonImmutableCalls('u = USER OR s = session_user OR gen_random_uuid() = id OR localtimestamp > t')).toEqual(['user', 'session_user', 'gen_random_uuid', 'localtimestamp']);
  });
});
