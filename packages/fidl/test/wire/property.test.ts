/**
 * Property tests: for arbitrary values of each type, decode(encode(v)) is v,
 * validate(v) accepts v, and encode(decode(bytes)) is bytes (canonical
 * encoding). Mutated bytes either decode or fail with a FidlError, never with
 * anything else.
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCodec, FidlError, type Codec } from '../../src/wire/index.js';
import type { IrRoot } from '../../src/ir/types.js';
import { ArbitraryFactory } from './arbitrary.js';
import { testIr } from './testLibrary.js';
import { loadIr } from './compileFidl.js';

const TEST_TYPES = [
  'Prims',
  'Strings',
  'Vectors',
  'Arrays',
  'Node',
  'Enums',
  'Mixed',
  'Tbl',
  'Un',
  'StrictUn',
];

/** Runs per property; FIDL_PROPERTY_RUNS=5000 for a longer soak. */
const RUNS = Number(process.env['FIDL_PROPERTY_RUNS'] ?? 200);

export function roundTripProperties(ir: IrRoot, types: string[], numRuns = RUNS): void {
  const codec: Codec = createCodec(ir);
  const arbs = new ArbitraryFactory(ir);
  for (const type of types) {
    let constructible = true;
    try {
      arbs.forName(type);
    } catch {
      constructible = false;
    }
    if (!constructible) {
      // An empty flexible union has no known variant, so no value can be built;
      // the codec must still refuse a value that names none.
      it(`${type}: has no constructible value, and a value without the union is refused`, () => {
        expect(() => codec.encode(type, {})).toThrow(
          /NON_NULLABLE_TYPE_WITH_NULL_VALUE|UNION_FIELD_NOT_SET/,
        );
      });
      continue;
    }
    describe(type, () => {
      it('decode(encode(v)) deep-equals v, and validate accepts v', () => {
        fc.assert(
          fc.property(arbs.forName(type), (v) => {
            const { bytes } = codec.encode(type, v);
            expect(codec.decode(type, bytes)).toEqual(v);
            expect(codec.validate(type, v)).toEqual([]);
          }),
          { numRuns },
        );
      });

      it('encode(decode(bytes)) equals bytes', () => {
        fc.assert(
          fc.property(arbs.forName(type), (v) => {
            const { bytes } = codec.encode(type, v);
            expect(codec.encode(type, codec.decode(type, bytes)).bytes).toEqual(bytes);
          }),
          { numRuns },
        );
      });

      it('mutated bytes decode or fail with a FidlError', () => {
        fc.assert(
          fc.property(
            arbs.forName(type),
            fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
              minLength: 1,
              maxLength: 3,
            }),
            fc.integer({ min: -9, max: 9 }),
            (v, edits, resize) => {
              const { bytes } = codec.encode(type, v);
              let mutated = bytes.slice();
              for (const [at, b] of edits) if (mutated.length > 0) mutated[at % mutated.length] = b;
              if (resize > 0)
                mutated = Uint8Array.from([...mutated, ...new Array<number>(resize).fill(0)]);
              else if (resize < 0)
                mutated = mutated.subarray(0, Math.max(0, mutated.length + resize));
              try {
                const decoded = codec.decode(type, mutated);
                // Whatever decodes must be a valid value again.
                codec.validate(type, decoded);
              } catch (err) {
                if (!(err instanceof FidlError)) throw err;
                // Flexible unions and tables may decode to unknown data that cannot be re-sent.
              }
            },
          ),
          { numRuns },
        );
      });
    });
  }
}

describe('round trips over the test library', () => {
  roundTripProperties(testIr, TEST_TYPES);
});

// Every struct of the conformance library (gidl_types.fidl), compiled by the compiler.
const gidlIr = loadIr([fileURLToPath(new URL('./conformance/gidl_types.fidl', import.meta.url))]);
const gidlStructs = gidlIr.libraries.at(-1)!.structs.map((s) => s.name);

describe('round trips over every struct of gidl_types.fidl', () => {
  it('covers the library', () => {
    expect(gidlStructs.length).toBeGreaterThan(80);
  });
  roundTripProperties(gidlIr, gidlStructs, Math.max(20, Math.floor(RUNS / 5)));
});
