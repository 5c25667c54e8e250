// How apply's failures print (runCommand's printer): an engine error names its resource, a DdlExecutionError shows
// SQLSTATE, detail and the statement with a caret, and a PgreplError with an address not in its message gets it added.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { printError } from '../../src/cli/run.js';
import { ApplyStepError } from '../../src/apply/errors.js';
import { DdlExecutionError } from '../../src/pg/ddl/execute.js';
import { PgreplError } from '../../src/util/errors.js';

let stderr: string;
beforeEach(() => {
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

const serverError = Object.assign(new Error('relation "sales.orders" does not exist'), { code: '42P01', position: '33', detail: 'the detail' });
const ddl = { sql: 'ALTER SEQUENCE s OWNED BY sales.orders.id', transactional: true, phase: 'pre-data', object: 'sequence:sales.s' } as const;

describe('printError for apply failures', () => {
  it('shows a DdlExecutionError whole: message, SQLSTATE, object, detail, statement and caret', () => {
    printError(new DdlExecutionError(ddl, serverError, 0));
    expect(stderr).toContain('relation "sales.orders" does not exist (SQLSTATE 42P01)');
    expect(stderr).toContain('resource: sequence:sales.s');
    expect(stderr).toContain('DETAIL: the detail');
    expect(stderr).toContain('ALTER SEQUENCE s OWNED BY sales.orders.id\n' + ' '.repeat(4 + 32) + '^');
  });
  it('names the step of an ApplyStepError in its first line', () => {
    printError(new ApplyStepError({ index: 4, address: 'target.sequence.shop.sales.s' }, serverError));
    expect(stderr.split('\n')[0]).toContain('target.sequence.shop.sales.s: relation "sales.orders" does not exist');
  });
  it('adds the address a PgreplError carries when its message does not name it', () => {
    printError(Object.assign(new PgreplError('copy failed', { hints: ['a hint'] }), { address: 'target.rows.shop.public.t' }));
    expect(stderr).toBe('Error: copy failed\n  resource: target.rows.shop.public.t\n  a hint\n');
  });
});
