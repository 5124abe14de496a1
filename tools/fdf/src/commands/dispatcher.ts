/**
 * `fdf dispatcher dump`: the runtime's dump (fdf_env_dispatcher_dump) of
 * every dispatcher of every driver of a board, per host, with the drivers'
 * counters.
 */
import type { Command } from 'commander';
import { formatDispatcherDump } from '@fdf/framework';
import { printFromBoard, type ListFlags } from './boardSession.js';

export function registerDispatcherCommands(program: Command): void {
  program
    .command('dispatcher')
    .description('Inspect the dispatchers of a board')
    .command('dump')
    .description('Boot a board (default: the reference board), dump every dispatcher, stop')
    .option('-b, --board <manifest>', 'board manifest (default boards/sample-split.yaml)')
    .option('-w, --workload <name>', 'run this workload first, so the dumps show traffic')
    .action((flags: ListFlags & { workload?: string }) =>
      printFromBoard(flags, async (manager) => {
        if (flags.workload !== undefined) await manager.runWorkload(flags.workload);
        return formatDispatcherDump(await manager.reports());
      }),
    );
}
