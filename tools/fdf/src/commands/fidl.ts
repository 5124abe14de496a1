import type { Command } from 'commander';
import { registerFidlCheckCommands } from './fidlCheck.js';
import { registerFidlWireCommands } from './fidlWire.js';

/** `fdf fidl ...`: the compiler (check, compile) and the wire-format tools (encode, decode). */
export function registerFidlCommands(program: Command): void {
  const fidl = program.command('fidl').description('Compile FIDL and inspect wire-format bytes');
  registerFidlCheckCommands(fidl);
  registerFidlWireCommands(fidl);
}
