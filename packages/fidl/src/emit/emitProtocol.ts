import type { IrProtocol } from '../ir/types.js';
import { methodInfo, type MethodInfo } from '../transport/methodInfo.js';
import type { EmitContext } from './context.js';
import { declName, propKey, safeIdent } from './names.js';
import { quote, type Printer } from './printer.js';
import { typeExpr } from './typeExpr.js';

/** Types of one method, spelled for the generated file. */
export interface MethodTypes {
  info: MethodInfo;
  /** `['request: T']`, or none when the request is `()`. */
  requestParams: string[];
  /** Success payload, `void` for `-> ()`. */
  success: string;
  /** What a call produces: the success payload, or `Result<success, error>` with error syntax. */
  result: string;
  /** The error type, or null without error syntax. */
  error: string | null;
}

export function methodTypes(info: MethodInfo, ctx: EmitContext): MethodTypes {
  const success = info.success === null ? 'void' : typeExpr(info.success, ctx);
  const error = info.error === null ? null : typeExpr(info.error, ctx);
  return {
    info,
    requestParams: info.request === null ? [] : [`request: ${typeExpr(info.request, ctx)}`],
    success,
    result: error === null ? success : `${ctx.fidl('Result')}<${success}, ${error}>`,
    error,
  };
}

/** The declaration's own doc comment, then what the generated item is. */
export function withDoc(doc: string | undefined, what: string): string {
  return doc === undefined || doc.trim() === '' ? what : `${doc.trim()}\n\n${what}`;
}

function ordinalLiteral(ordinal: bigint): string {
  return `0x${ordinal.toString(16)}n`;
}

/**
 * A Channel- or Driver-transport protocol: ordinals, the events, the client
 * (async and sync), the server, and the descriptor the transports bind.
 * Client and server have the same shape on both transports, so a driver that
 * moves to its own host keeps its code.
 */
export function emitProtocol(proto: IrProtocol, p: Printer, ctx: EmitContext): void {
  const base = safeIdent(declName(proto.name));
  const name = ctx.claim(base, `protocol ${proto.name}`);
  const ordinals = ctx.claim(`${base}Ordinals`, `the ordinals of ${proto.name}`);
  const events = ctx.claim(`${base}Events`, `the events of ${proto.name}`);
  const client = ctx.claim(`${base}Client`, `the client of ${proto.name}`);
  const syncClient = ctx.claim(`${base}SyncClient`, `the sync client of ${proto.name}`);
  const server = ctx.claim(`${base}Server`, `the server of ${proto.name}`);
  const methods = proto.methods.map((m) => ({ ir: m, t: methodTypes(methodInfo(m), ctx) }));
  const calls = methods.filter((m) => m.t.info.kind !== 'event');
  const evts = methods.filter((m) => m.t.info.kind === 'event');
  const arena = ctx.runtime('Arena');
  const where = `\`${proto.name}\` (${proto.openness}, @transport("${proto.transport}"))`;

  p.doc(`Method ordinals of ${where}: sha256 of the selector, as on the wire.`);
  p.block(
    `export const ${ordinals} = {`,
    () => {
      for (const m of methods)
        p.line(`${propKey(m.t.info.name)}: ${ordinalLiteral(m.t.info.ordinal)},`);
    },
    '} as const;',
  );
  p.line();

  p.doc(`Events of ${proto.name}, by name: what each one carries.`);
  if (evts.length === 0) {
    p.line(`export type ${events} = Record<never, never>;`);
  } else {
    p.block(`export interface ${events} {`, () => {
      for (const e of evts) {
        p.doc(e.ir.doc);
        p.line(
          `${propKey(e.t.info.name)}: ${e.t.info.request === null ? 'void' : typeExpr(e.t.info.request, ctx)};`,
        );
      }
    });
  }
  p.line();

  p.doc(
    withDoc(
      proto.doc,
      `Client of ${where}. Two-way calls resolve with the reply; one-way calls return once written.`,
    ),
  );
  p.block(`export interface ${client} extends ${ctx.fidl('ClientBase')}<${events}> {`, () => {
    for (const m of calls) {
      p.doc(m.ir.doc);
      const ret = m.t.info.kind === 'one-way' ? 'void' : `Promise<${m.t.result}>`;
      p.list(
        `${propKey(m.t.info.name)}(`,
        [...m.t.requestParams, `arena?: ${arena}`],
        `): ${ret};`,
      );
    }
  });
  p.line();

  p.doc(
    `Blocking client of ${proto.name}: each call waits for its reply (needs a dispatcher that allows sync calls).`,
  );
  p.block(`export interface ${syncClient} extends ${ctx.fidl('SyncClientBase')} {`, () => {
    for (const m of calls) {
      const ret = m.t.info.kind === 'one-way' ? 'void' : m.t.result;
      p.list(
        `${propKey(m.t.info.name)}(`,
        [...m.t.requestParams, `arena?: ${arena}`],
        `): ${ret};`,
      );
    }
  });
  p.line();

  p.doc(
    `Server of ${proto.name}. Each handler gets the request, a completer and the request's arena, which it may pass down with a request to the next driver.`,
  );
  p.block(`export interface ${server} {`, () => {
    for (const m of calls) {
      p.doc(m.ir.doc);
      const completer =
        m.t.info.kind === 'one-way'
          ? ctx.fidl('OneWayCompleter')
          : m.t.error !== null
            ? `${ctx.fidl('ErrorCompleter')}<${m.t.success}, ${m.t.error}>`
            : `${ctx.fidl('Completer')}<${m.t.success}>`;
      p.list(
        `${propKey(m.t.info.name)}(`,
        [...m.t.requestParams, `completer: ${completer}`, `arena: ${arena}`],
        '): void | Promise<void>;',
      );
    }
    if (proto.openness !== 'closed') {
      p.doc(
        'A flexible method this server does not know (a newer client); strict unknown methods close the channel.',
      );
      p.line(`handleUnknownMethod?(method: ${ctx.fidl('UnknownMethod')}): void;`);
    }
  });
  p.line();

  p.doc(
    withDoc(
      proto.doc,
      `Binds ${proto.name} to a transport: \`createDriverClient(${name}, channel)\`, \`bindChannelServer(${name}, zxChannel, impl)\`.`,
    ),
  );
  p.wrap(
    `export const ${name}: ${ctx.fidl('ProtocolDescriptor')}<${client}, ${server}, ${events}, ${syncClient}> = ${ctx.fidl('defineProtocol')}(codingTable, ${quote(proto.name)});`,
  );
  p.line();
}
