import type { IrService } from '../ir/types.js';
import type { EmitContext } from './context.js';
import { declName, lowerCamel, propKey, safeIdent } from './names.js';
import { quote, type Printer } from './printer.js';

/**
 * A service: a const naming each member's protocol and transport, which is
 * what a driver needs to offer or find the service (the framework connects
 * the members; there is nothing to call on a service itself).
 */
export function emitService(s: IrService, p: Printer, ctx: EmitContext): void {
  const name = ctx.claim(safeIdent(declName(s.name)), `service ${s.name}`);
  p.doc(s.doc);
  p.block(
    `export const ${name} = {`,
    () => {
      p.line(`name: ${quote(s.name)},`);
      p.block(
        'members: {',
        () => {
          for (const m of s.members) {
            p.doc(m.doc);
            const t = m.type;
            const protocol = t.kind === 'endpoint' ? t.protocol : '';
            const transport = t.kind === 'endpoint' ? t.transport : 'Channel';
            p.line(
              `${propKey(lowerCamel(m.name))}: { protocol: ${quote(protocol)}, transport: ${quote(transport)} },`,
            );
          }
        },
        '},',
      );
    },
    '} as const;',
  );
  p.line();
}
