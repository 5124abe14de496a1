/**
 * `fdf host list`: the driver hosts of a board and the drivers in each, like
 * `ffx driver list-hosts`, with each host's thread and heap.
 */
import type { Command } from 'commander';
import { formatHostList } from '@fdf/framework';
import { printFromBoard, type ListFlags } from './boardSession.js';

export function registerHostCommands(program: Command): void {
  program
    .command('host')
    .description('Inspect the driver hosts of a board')
    .command('list')
    .description('Boot a board (default: the reference board), list its driver hosts, stop')
    .option('-b, --board <manifest>', 'board manifest (default boards/sample-split.yaml)')
    .action((flags: ListFlags) =>
      printFromBoard(flags, async (manager) =>
        formatHostList(manager.hosts(), await manager.hostStats()),
      ),
    );
}
