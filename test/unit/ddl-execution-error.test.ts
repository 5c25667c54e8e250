import { describe, expect, it } from 'vitest';
import { describeServerError } from '../../src/cli/server-error.js';
import { DdlExecutionError } from '../../src/pg/ddl/execute.js';

describe('DdlExecutionError', () => {
  it('carries what the CLI prints: SQLSTATE, the object, detail, hint and a caret under the position', () => {
    const server = Object.assign(new Error('type "public.no_such" does not exist'), { code: '42704', position: '26', hint: 'create it first', detail: '' });
    const statement = { sql: 'CREATE TABLE public.t (a public.no_such)', transactional: true, phase: 'pre-data' as const, object: 'table:public.t' };
    const e = new DdlExecutionError(statement, server, 3);
    expect(e.committed).toBe(3);
    expect(e.detail).toBeUndefined();
    expect(describeServerError(e)).toBe([
      'type "public.no_such" does not exist (SQLSTATE 42704)',
      '  resource: table:public.t',
      '  HINT: create it first',
      '  STATEMENT:',
      '    CREATE TABLE public.t (a public.no_such)',
      '                             ^',
    ].join('\n'));
  });
});
