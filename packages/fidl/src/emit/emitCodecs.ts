import type { IrLibrary } from '../ir/types.js';
import type { EmitContext } from './context.js';
import { declName, safeIdent } from './names.js';
import { quote, type Printer } from './printer.js';

/**
 * `encodeX` / `decodeX` for every named struct, table and union: wire format
 * V2 bytes and handles through the shared codec, built once from the coding
 * table on first use. Anonymous layouts (method payloads) travel through the
 * transports and get no standalone functions.
 */
export function emitCodecs(lib: IrLibrary, p: Printer, ctx: EmitContext): boolean {
  const decls = [...lib.structs, ...lib.tables, ...lib.unions].filter(
    (d) => d.namingContext === undefined && !('isResult' in d && d.isResult),
  );
  if (decls.length === 0) return false;
  const message = ctx.fidl('EncodedMessage');
  p.line(`const codec = ${ctx.fidl('lazyCodec')}(codingTable);`);
  p.line();
  for (const d of decls) {
    const type = safeIdent(declName(d.name));
    const base = declName(d.name);
    const enc = ctx.claim(`encode${base}`, `the encoder of ${d.name}`);
    const dec = ctx.claim(`decode${base}`, `the decoder of ${d.name}`);
    p.doc(`${d.name} to wire format V2 (bytes and handles).`);
    p.block(`export function ${enc}(value: ${type}): ${message} {`, () => {
      p.line(`return codec.encode(${quote(d.name)}, value);`);
    });
    p.doc(`Wire format V2 to ${d.name}; fails with a StatusError naming the decode error.`);
    p.block(`export function ${dec}(message: ${message}): ${type} {`, () => {
      p.line(`return codec.decode(${quote(d.name)}, message.bytes, message.handles) as ${type};`);
    });
    p.line();
  }
  return true;
}
