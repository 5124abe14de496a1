#!/usr/bin/env node
/**
 * The `fdf` command line. Each area registers its own subcommands from
 * ./commands; this file only wires them together and turns a StatusError into
 * a clean message and a non-zero exit code.
 */
import { Command } from 'commander';
import { StatusError } from '@fdf/zx';
import { registerBlockCommands } from './commands/block.js';
import { registerBoardCommands } from './commands/board.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDispatcherCommands } from './commands/dispatcher.js';
import { registerDriverCommands } from './commands/driver.js';
import { registerHostCommands } from './commands/host.js';
import { registerNodeCommands } from './commands/node.js';
import { registerDiskCommands } from './commands/disk.js';
import { registerFidlCommands } from './commands/fidl.js';

export function createProgram(): Command {
  const program = new Command('fdf')
    .description(
      'Write, compose, migrate and measure driver stacks on an in-process driver runtime',
    )
    .showHelpAfterError();
  registerDemoCommand(program);
  registerFidlCommands(program);
  registerDiskCommands(program);
  registerBoardCommands(program);
  registerNodeCommands(program);
  registerHostCommands(program);
  registerDriverCommands(program);
  registerDispatcherCommands(program);
  registerBlockCommands(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await createProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof StatusError) {
      console.error(`fdf: ${err.message}`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}

await main(process.argv);
