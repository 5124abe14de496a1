/**
 * The wire codec as the generated code and the transports use it: built on
 * first use (importing a bindings module costs nothing until a value is
 * encoded), and one codec per coding table, shared by every protocol and
 * codec function of that library.
 */
import type { IrRoot } from '../ir/types.js';
import { createCodec, type Codec, type EncodedMessage } from '../wire/index.js';

export type { EncodedMessage };
export type FidlCodec = Codec;

const codecs = new WeakMap<IrRoot, Codec>();

/** The one codec of `table`, created on first use. */
export function codecOf(table: IrRoot): Codec {
  let c = codecs.get(table);
  if (c === undefined) {
    c = createCodec(table);
    codecs.set(table, c);
  }
  return c;
}

/**
 * A codec whose construction waits for the first call. Generated files call
 * this at module load.
 */
export function lazyCodec(table: IrRoot): Codec {
  let real: Codec | undefined;
  const get = (): Codec => (real ??= codecOf(table));
  return {
    get ir() {
      return table;
    },
    encode: (type, value) => get().encode(type, value),
    decode: (type, bytes, handles) => get().decode(type, bytes, handles),
    validate: (type, value) => get().validate(type, value),
    encodeMessage: (header, type, value) => get().encodeMessage(header, type, value),
    decodeMessage: (bytes, handles, body) => get().decodeMessage(bytes, handles, body),
    encodeEpitaph: (status) => get().encodeEpitaph(status),
    inlineSize: (type) => get().inlineSize(type),
  };
}
