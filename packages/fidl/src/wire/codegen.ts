/**
 * Generated JS for the two places where closures over arrays are slow:
 * struct bodies and union values.
 *
 * A loop `for (f of fields) out[f.key] = f.dec(...)` builds every object
 * through keyed stores (dictionary-ish shapes) and calls every member's
 * codec from one megamorphic call site. A generated function per struct has
 * an object literal with a fixed shape and one call site per member, which
 * V8 can inline. Keys are FIDL member names in camelCase ([A-Za-z0-9]), and
 * are still written through JSON.stringify; no other text reaches the code.
 */
import { withSegment } from './errors.js';
import type { DecodeFn, DecodeState } from './decoder.js';
import type { EncodeFn } from './encoder.js';

export interface GenField<F> {
  key: string;
  offset: number;
  fn: F;
}

/** Turns a failure inside member `i` into a path segment `.key`. */
function segmenter(keys: string[]): (err: unknown, i: number) => unknown {
  return (err, i) => withSegment(err, `.${keys[i]}`);
}

/**
 * `(dec, off, depth) => ({ k0: d0(dec, off + o0, depth), ... })` after the
 * padding ranges are checked to be zero.
 */
export function generateStructDecoder(
  fields: GenField<DecodeFn>[],
  padding: Array<[number, number]>,
): DecodeFn {
  const lines: string[] = [];
  for (const [from, to] of padding) lines.push(`dec.checkZero(off + ${from}, off + ${to});`);
  const members = fields.map(
    (f, i) => `${JSON.stringify(f.key)}: (i = ${i}, d[${i}](dec, off + ${f.offset}, depth))`,
  );
  const body = `
    return function decodeStruct(dec, off, depth) {
      ${lines.join('\n')}
      let i = 0;
      try {
        return { ${members.join(', ')} };
      } catch (err) {
        throw seg(err, i);
      }
    };`;
  const factory = new Function('d', 'seg', body) as (
    d: DecodeFn[],
    seg: (err: unknown, i: number) => unknown,
  ) => (dec: DecodeState, off: number, depth: number) => unknown;
  return factory(
    fields.map((f) => f.fn),
    segmenter(fields.map((f) => f.key)),
  );
}

/** `(enc, v, off, depth) => { e0(enc, v.k0, off + o0, depth); ... }` after the object check. */
export function generateStructEncoder(
  fields: GenField<EncodeFn>[],
  notAnObject: (v: unknown) => never,
): EncodeFn {
  const calls = fields.map(
    (f, i) => `i = ${i}; e[${i}](enc, v[${JSON.stringify(f.key)}], off + ${f.offset}, depth);`,
  );
  const body = `
    return function encodeStruct(enc, v, off, depth) {
      if (typeof v !== 'object' || v === null) notAnObject(v);
      let i = 0;
      try {
        ${calls.join('\n')}
      } catch (err) {
        throw seg(err, i);
      }
    };`;
  const factory = new Function('e', 'seg', 'notAnObject', body) as (
    e: EncodeFn[],
    seg: (err: unknown, i: number) => unknown,
    notAnObject: (v: unknown) => never,
  ) => EncodeFn;
  return factory(
    fields.map((f) => f.fn),
    segmenter(fields.map((f) => f.key)),
    notAnObject,
  );
}

/** `(v) => ({ $tag: key, [key]: v })` with a fixed shape per variant. */
export function generateVariant(key: string): (v: unknown) => unknown {
  const k = JSON.stringify(key);
  return new Function('v', `return { $tag: ${k}, ${k}: v };`) as (v: unknown) => unknown;
}
