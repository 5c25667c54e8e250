import { describe, expect, it } from 'vitest';
import { ddlNode } from '../../src/pg/ddl/node.js';
import { DdlCycleError, orderNodes } from '../../src/pg/ddl/order-nodes.js';

describe('orderNodes', () => {
  it('puts pre-data before post-data, dependencies first, then rank, object key and id', () => {
    const nodes = [
      ddlNode('table:public.b', 'create', 'pre-data', 60, 'B', ['type:public.t#create']),
      ddlNode('table:public.a', 'create', 'pre-data', 60, 'A'),
      ddlNode('type:public.t', 'create', 'pre-data', 30, 'T', ['function:public.f()#create']),
      ddlNode('function:public.f()', 'create', 'pre-data', 40, 'F'),
      ddlNode('table:public.a', 'index:i', 'post-data', 110, 'I'),
      ddlNode('schema:public', 'comment:', 'post-data', 10, 'C'),
    ];
    // F has a higher rank than T, but T needs F; A is ready from the start and outranks nothing but sorts by key.
    expect(orderNodes(nodes).map((s) => s.sql)).toEqual(['F', 'T', 'A', 'B', 'C', 'I']);
    expect(orderNodes([...nodes].reverse()).map((s) => s.sql)).toEqual(['F', 'T', 'A', 'B', 'C', 'I']);
  });

  it('ignores dependencies on objects outside the build (extension members, other databases)', () => {
    const out = orderNodes([ddlNode('table:public.a', 'create', 'pre-data', 60, 'A', ['type:ext.hstore#create'])]);
    expect(out.map((s) => s.sql)).toEqual(['A']);
  });

  it('names every object on a cycle', () => {
    const nodes = [
      ddlNode('function:public.f()', 'create', 'pre-data', 40, 'F', ['table:public."My Table"#create']),
      ddlNode('table:public."My Table"', 'create', 'pre-data', 60, 'T', ['function:public.f()#create']),
      ddlNode('table:public.ok', 'create', 'pre-data', 60, 'OK'),
    ];
    let error: unknown;
    try {
      orderNodes(nodes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DdlCycleError);
    const objects = (error as DdlCycleError).objects;
    expect(new Set(objects)).toEqual(new Set(['function:public.f()', 'table:public."My Table"']));
    expect((error as Error).message).toContain('table:public."My Table"');
  });

  it('refuses a pre-data statement that needs a post-data one', () => {
    expect(() => orderNodes([
      ddlNode('table:public.a', 'create', 'pre-data', 60, 'A', ['table:public.b#index:i']),
      ddlNode('table:public.b', 'index:i', 'post-data', 110, 'I'),
    ])).toThrow(/pre-data statement table:public.a#create needs post-data/);
  });
});
