/**
 * `fdf driver list`: the board's drivers, like `ffx driver list`; verbose:
 * manifest facts, bind rules, and per bound node the connections the driver
 * made and the transport each uses (Driver, Channel or Banjo).
 */
import type { Command } from 'commander';
import { formatDriverList } from '@fdf/framework';
import { printFromBoard, type ListFlags } from './boardSession.js';

export function registerDriverCommands(program: Command): void {
  program
    .command('driver')
    .description('Inspect the drivers of a board')
    .command('list')
    .description('Boot a board (default: the reference board), list its drivers, stop')
    .option('-b, --board <manifest>', 'board manifest (default boards/sample-split.yaml)')
    .option(
      '-v, --verbose',
      'manifest facts, bind rules, nodes and the transport of each connection',
    )
    .action((flags: ListFlags) =>
      printFromBoard(flags, async (manager) =>
        formatDriverList(manager.board, manager.drivers(), {
          verbose: flags.verbose === true,
          reports: await manager.reports(),
        }),
      ),
    );
}
