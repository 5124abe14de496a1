import type { IrProtocol } from '../ir/types.js';
import { methodInfo } from '../transport/methodInfo.js';
import type { EmitContext } from './context.js';
import { methodTypes, withDoc } from './emitProtocol.js';
import { declName, propKey, safeIdent } from './names.js';
import { quote, type Printer } from './printer.js';

/**
 * A @transport("Banjo") protocol: a function table whose every entry takes the
 * context first, the pair { ops, ctx } a driver hands to its child, and a
 * client that calls through it directly. No runtime, no copy, no validation:
 * the baseline a migration starts from. `@async` methods complete through a
 * callback, which may run before the call returns.
 */
export function emitBanjo(proto: IrProtocol, p: Printer, ctx: EmitContext): void {
  const base = safeIdent(declName(proto.name));
  const name = ctx.claim(base, `protocol ${proto.name}`);
  const ops = ctx.claim(`${base}BanjoOps`, `the function table of ${proto.name}`);
  const pair = ctx.claim(`${base}Banjo`, `the Banjo protocol of ${proto.name}`);
  const client = ctx.claim(`${base}BanjoClient`, `the Banjo client of ${proto.name}`);
  const methods = proto.methods.map((m) => ({ ir: m, t: methodTypes(methodInfo(m), ctx) }));
  const calls = methods.filter((m) => m.t.info.kind !== 'event');

  /** One entry: the parameters (context first in the table) and the return type. */
  const entry = (m: (typeof methods)[number], withCtx: boolean): void => {
    const params = [...(withCtx ? ['ctx: C'] : []), ...m.t.requestParams];
    if (m.t.info.kind === 'two-way' && m.t.info.isAsync)
      params.push(`complete: (result: ${m.t.result}) => void`);
    const ret = m.t.info.kind === 'two-way' && !m.t.info.isAsync ? m.t.result : 'void';
    p.list(`${propKey(m.t.info.name)}(`, params, `): ${ret};`);
  };

  p.doc(
    withDoc(
      proto.doc,
      `Function table of \`${proto.name}\` (@transport("Banjo")): every entry gets the context first.`,
    ),
  );
  p.block(`export interface ${ops}<C = unknown> {`, () => {
    for (const m of calls) {
      p.doc(m.ir.doc);
      entry(m, true);
    }
  });
  p.line();
  p.doc(`What a driver hands to its child: the table and the context it is called with.`);
  p.block(`export interface ${pair}<C = unknown> {`, () => {
    p.line(`readonly ops: ${ops}<C>;`);
    p.line('readonly ctx: C;');
  });
  p.line();
  p.doc(
    `Calls through a ${pair}: \`${name}.client(proto).${calls[0]?.t.info.name ?? 'method'}(...)\`.`,
  );
  p.block(`export interface ${client} {`, () => {
    for (const m of calls) entry(m, false);
  });
  p.line();
  const skipped = methods.filter((m) => m.t.info.kind === 'event');
  if (skipped.length > 0) {
    p.line(`// Banjo has no events; skipped: ${skipped.map((m) => m.ir.name).join(', ')}.`);
  }
  p.wrap(
    `export const ${name}: ${ctx.fidl('BanjoProtocolDescriptor')}<${ops}, ${client}> = ${ctx.fidl('defineBanjoProtocol')}(codingTable, ${quote(proto.name)});`,
  );
  p.line();
}
