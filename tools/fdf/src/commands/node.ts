/**
 * `fdf node list`: the node tree of a board once every driver that can bind
 * has started (the board is booted for the command and stopped after; see
 * boardSession.ts).
 */
import type { Command } from 'commander';
import { printNodeTree } from '@fdf/framework';
import { printFromBoard, type ListFlags } from './boardSession.js';

export function registerNodeCommands(program: Command): void {
  program
    .command('node')
    .description('Inspect the node topology of a board')
    .command('list')
    .description('Boot a board (default: the reference board), print its node tree, stop')
    .option('-b, --board <manifest>', 'board manifest (default boards/sample-split.yaml)')
    .option('-v, --verbose', 'one block per node: path, driver, host, state, offers, properties')
    .action((flags: ListFlags) =>
      printFromBoard(flags, (manager) =>
        Promise.resolve(printNodeTree(manager.tree, { verbose: flags.verbose === true })),
      ),
    );
}
