import { describe, expect, it } from 'vitest';
import type { OperatorFamilyObject, OperatorObject } from '../../src/model/schema.js';
import { operatorFamilyKey, operatorKey } from '../../src/model/object-key.js';
import { changeAddressName } from '../../src/schema/diff/address-name.js';

const base = { owner: 'app', acl: null, comment: null, deps: [] } as const;

function op(left: string | null, right: string): OperatorObject {
  return {
    ...base, key: operatorKey('public', '===', left, right), kind: 'operator', schema: 'public', name: '===', left, right,
    function: 'function:public.f(integer, integer)', commutator: null, negator: null, restrict: null, join: null, hashes: false, merges: false,
  };
}

function opclass(accessMethod: string): OperatorFamilyObject {
  return {
    ...base, key: operatorFamilyKey('opclass', 'public', 'my_ops', accessMethod), kind: 'opclass', schema: 'public', name: 'my_ops',
    accessMethod, inputType: 'integer', isDefault: false, family: null, storageType: null, members: [],
  };
}

describe('changeAddressName', () => {
  it('tells overloaded operators apart, prefix operators included', () => {
    expect(changeAddressName(op('integer', 'integer'))).toBe('===(integer, integer)');
    expect(changeAddressName(op('text', 'text'))).toBe('===(text, text)');
    expect(changeAddressName(op(null, 'integer'))).toBe('===(NONE, integer)');
  });
  it('tells same-named operator classes of different access methods apart', () => {
    expect(changeAddressName(opclass('btree'))).not.toBe(changeAddressName(opclass('hash')));
    expect(changeAddressName(opclass('btree'))).toBe('my_ops USING btree');
  });
});
