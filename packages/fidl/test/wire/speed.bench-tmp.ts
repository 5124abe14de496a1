import { createCodec } from '../../src/wire/index.js';
import { testIr } from './testLibrary.js';
const codec = createCodec(testIr);
function bench(name: string, type: string, value: unknown, n = 500_000) {
  for (let i = 0; i < 20000; i++) codec.decode(type, codec.encode(type, value).bytes);
  let t0 = process.hrtime.bigint();
  let bytes = codec.encode(type, value).bytes;
  for (let i = 0; i < n; i++) bytes = codec.encode(type, value).bytes;
  const enc = Number(process.hrtime.bigint() - t0) / n;
  t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) codec.decode(type, bytes);
  const dec = Number(process.hrtime.bigint() - t0) / n;
  t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) codec.validate(type, value);
  const val = Number(process.hrtime.bigint() - t0) / n;
  console.log(
    `${name}: encode ${enc.toFixed(0)} ns, decode ${dec.toFixed(0)} ns, enc+dec ${(enc + dec).toFixed(0)} ns, validate ${val.toFixed(0)} ns (${bytes.length} bytes)`,
  );
}
bench('Inner {u32,u8}', 'Inner', { x: 1, y: 2 });
bench('Prims', 'Prims', {
  b: true,
  i8: -2,
  i16: -300,
  i32: -70000,
  i64: -5n,
  u8: 200,
  u16: 65535,
  u32: 7,
  u64: 9n,
  f32: 1.5,
  f64: 2.5,
});
bench('Strings', 'Strings', { plain: 'hello', bounded: 'abc', opt: null });
bench(
  'Mixed',
  'Mixed',
  {
    id: 7n,
    table: { a: 1, s: 'hi' },
    un: { $tag: 'i', i: -3 },
    optUn: null,
    strictUn: { $tag: 'a', a: 5n },
    boxed: { x: 1, y: 2 },
    empty: {},
    tail: 9,
  },
  200_000,
);
bench(
  'Vectors',
  'Vectors',
  {
    bytes: new Uint8Array(64),
    bounded: [1, 2, 3],
    strs: ['ab', 'cd'],
    opt: null,
    nested: [],
    structs: [
      { x: 1, y: 2 },
      { x: 3, y: 4 },
    ],
  },
  200_000,
);
