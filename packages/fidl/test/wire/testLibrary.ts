/**
 * A hand-written library exercising every kind of type the codec handles,
 * shared by the unit and property tests.
 */
import { ObjType } from '@fdf/zx';
import { bitsDecl, enumDecl, library, struct, t, table, union } from './irBuilders.js';

const u8 = t.prim('uint8');

export const testIr = library({
  structs: [
    struct('Empty', []),
    struct('Prims', [
      ['b', t.prim('bool')],
      ['i8', t.prim('int8')],
      ['i16', t.prim('int16')],
      ['i32', t.prim('int32')],
      ['i64', t.prim('int64')],
      ['u8', u8],
      ['u16', t.prim('uint16')],
      ['u32', t.prim('uint32')],
      ['u64', t.prim('uint64')],
      ['f32', t.prim('float32')],
      ['f64', t.prim('float64')],
    ]),
    struct('Inner', [
      ['x', t.prim('uint32')],
      ['y', u8],
    ]),
    struct('Small', [
      ['a', u8],
      ['b', u8],
    ]),
    struct('Strings', [
      ['plain', t.string()],
      ['bounded', t.string(5)],
      ['opt', t.string(null, true)],
    ]),
    struct('Vectors', [
      ['bytes', t.vector(u8)],
      ['bounded', t.vector(t.prim('uint16'), 3)],
      ['strs', t.vector(t.string(4))],
      ['opt', t.vector(t.prim('int64'), null, true)],
      ['nested', t.vector(t.vector(u8))],
      ['structs', t.vector(t.ref('Inner', 'struct'))],
    ]),
    struct('Arrays', [
      ['bytes', t.array(u8, 3)],
      ['ints', t.array(t.prim('int32'), 2)],
      ['inners', t.array(t.ref('Inner', 'struct'), 2)],
      ['strs', t.array(t.string(null, true), 2)],
    ]),
    struct('Node', [
      ['value', t.prim('uint32')],
      ['next', t.ref('Node', 'struct', true)],
    ]),
    struct('Enums', [
      ['color', t.ref('Color', 'enum')],
      ['flex', t.ref('FlexEnum', 'enum')],
      ['big', t.ref('BigEnum', 'enum')],
      ['flags', t.ref('Flags', 'bits')],
      ['wide', t.ref('WideBits', 'bits')],
    ]),
    struct('Mixed', [
      ['id', t.prim('uint64')],
      ['table', t.ref('Tbl', 'table')],
      ['un', t.ref('Un', 'union')],
      ['optUn', t.ref('Un', 'union', true)],
      ['strict_un', t.ref('StrictUn', 'union')],
      ['boxed', t.ref('Inner', 'struct', true)],
      ['empty', t.ref('Empty', 'struct')],
      ['tail', t.prim('uint16')],
    ]),
    struct(
      'Handles',
      [
        ['vmo', t.handle(ObjType.VMO, 0x80000000, false, 'VMO')],
        ['opt', t.handle(0, 0x80000000, true)],
        ['events', t.vector(t.handle(ObjType.EVENT, 0x80000000, false, 'EVENT'), 2)],
        ['client', t.endpoint('client', 'test.wire/Proto', true)],
        ['ru', t.ref('RUnion', 'union', true)],
        ['rt', t.ref('RTable', 'table')],
      ],
      true,
    ),
    struct('ReadVmo', [['vmo', t.handle(ObjType.VMO, 0x4 /* READ */, false, 'VMO')]], true),
  ],
  tables: [
    table('Tbl', [
      [1, 'a', u8],
      [2, 'reserved'],
      [3, 's', t.string(8)],
      [4, 'inner', t.ref('Inner', 'struct')],
      [5, 'un', t.ref('Un', 'union')],
      [6, 'child', t.ref('Tbl', 'table')],
      [7, 'big', t.prim('int64')],
    ]),
    table('Empty_table', []),
    table(
      'RTable',
      [
        [1, 'h', t.handle()],
        [2, 'n', t.prim('uint32')],
      ],
      true,
    ),
  ],
  unions: [
    union('Un', [
      [1, 'i', t.prim('int8')],
      [2, 's', t.string()],
      [3, 'inner', t.ref('Inner', 'struct')],
      [4, 'empty', t.ref('Empty', 'struct')],
      [5, 'small', t.ref('Small', 'struct')],
      [6, 'node', t.ref('Node', 'struct', true)],
    ]),
    union(
      'StrictUn',
      [
        [1, 'a', t.prim('uint64')],
        [2, 'b', t.prim('bool')],
      ],
      { strict: true },
    ),
    union(
      'RUnion',
      [
        [1, 'h', t.handle()],
        [2, 'n', t.prim('uint32')],
      ],
      { resource: true },
    ),
  ],
  enums: [
    enumDecl('Color', 'uint8', [
      ['RED', 1],
      ['GREEN', 2],
    ]),
    enumDecl(
      'FlexEnum',
      'int32',
      [
        ['A', -1],
        ['B', 5],
      ],
      false,
    ),
    enumDecl('BigEnum', 'uint64', [
      ['X', 1n << 63n],
      ['Y', 7n],
    ]),
  ],
  bits: [
    bitsDecl('Flags', 'uint16', [
      ['A', 1],
      ['B', 4],
    ]),
    bitsDecl('WideBits', 'uint64', [['HI', 1n << 63n]], false),
  ],
});

/** Fully qualified name in the test library. */
export const fq = (name: string): string => `test.wire/${name}`;
