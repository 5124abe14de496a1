/**
 * `fdf board run <manifest>` and `fdf board validate <manifest>`.
 */
import type { Command } from 'commander';
import { relative } from 'node:path';
import {
  loadBoardManifest,
  type Board,
  type BoardManifestOptions,
  type DeviceTypeRegistry,
} from '@fdf/framework';
import { Status, StatusError } from '@fdf/zx';
import { runBoard } from './boardRun.js';
import { resolveFromUser, type Write } from './boardSession.js';

export interface BoardCommandOptions {
  /** Fake device types to check device configs against (default: configs pass unchecked). */
  readonly deviceTypes?: DeviceTypeRegistry;
}

/** `key=value` pairs to workload parameters; numbers and booleans are parsed. */
export function parseParams(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `--param '${pair}' is not key=value; write it like --param count=1000`,
      );
    }
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    out[key] =
      raw === 'true'
        ? true
        : raw === 'false'
          ? false
          : /^-?\d+(\.\d+)?$/.test(raw)
            ? Number(raw)
            : raw;
  }
  return out;
}

/** What `board validate` prints for a valid board. */
export function describeBoard(board: Board, cwd: string = process.cwd()): string {
  const lines = [
    `board ${board.name} (${relative(cwd, board.file)}) is valid`,
    `  ${board.devices.length} device${board.devices.length === 1 ? '' : 's'}: ${board.devices.map((d) => `${d.path} (${d.type})`).join(', ') || '(none)'}`,
    `  ${board.drivers.length} driver${board.drivers.length === 1 ? '' : 's'}: ${board.drivers.map((d) => `${d.name} (${d.variant})`).join(', ')}`,
    `  ${board.hosts.length} host${board.hosts.length === 1 ? '' : 's'}: ${board.hosts.map((h) => `${h.name} [${h.drivers.join(', ')}]`).join(', ')}`,
  ];
  if (board.composites.length > 0) {
    lines.push(
      `  composites: ${board.composites.map((c) => `${c.name} (${c.parents.map((p) => p.name).join(', ')})`).join(', ')}`,
    );
  }
  lines.push(
    `  workloads: ${board.workloads.map((w) => w.name).join(', ') || '(none)'}${board.defaults.workload === undefined ? '' : ` (default ${board.defaults.workload})`}`,
  );
  return `${lines.join('\n')}\n`;
}

export function validateBoard(file: string, options: BoardManifestOptions = {}): string {
  return describeBoard(loadBoardManifest(resolveFromUser(file), options));
}

interface RunFlags {
  workload?: string[];
  param?: string[];
  workloads: boolean;
  inspect?: boolean;
  crash?: string;
  stay?: boolean;
  verbose?: boolean;
}

export function registerBoardCommands(program: Command, options: BoardCommandOptions = {}): void {
  const board = program.command('board').description('Run and check board manifests');
  const write: Write = (text) => process.stdout.write(text);

  board
    .command('validate')
    .description(
      'Check a board manifest and the driver manifests it uses; every problem at its line',
    )
    .argument('<manifest>', 'board manifest, e.g. boards/sample-split.yaml')
    .action((manifest: string) => {
      const loadOptions =
        options.deviceTypes === undefined ? {} : { deviceTypes: options.deviceTypes };
      write(validateBoard(manifest, loadOptions));
    });

  board
    .command('run')
    .description(
      'Boot a board, print its nodes and hosts, run its workloads, print a summary, stop',
    )
    .argument('<manifest>', 'board manifest, e.g. boards/sample-split.yaml')
    .option('-w, --workload <name...>', 'workloads to run (default: all the board declares)')
    .option('--no-workloads', 'run no workload')
    .option(
      '-p, --param <key=value...>',
      'workload parameters, overriding the board (e.g. count=1000)',
    )
    .option('--inspect', 'print every dispatcher dump and driver counters after the workloads')
    .option(
      '--crash <driver>',
      'crash the host of this driver after the workloads, then run them again',
    )
    .option('--stay', 'keep the board running until Ctrl-C')
    .option('-v, --verbose', 'verbose node and driver listings, and driver logs')
    .action(async (manifest: string, flags: RunFlags) => {
      const result = await runBoard(
        resolveFromUser(manifest),
        {
          ...(flags.workloads
            ? flags.workload === undefined
              ? {}
              : { workloads: flags.workload }
            : { workloads: [] }),
          params: parseParams(flags.param ?? []),
          ...(flags.inspect === true ? { inspect: true } : {}),
          ...(flags.crash === undefined ? {} : { crash: flags.crash }),
          ...(flags.stay === true ? { stay: true } : {}),
          ...(flags.verbose === true ? { verbose: true } : {}),
        },
        write,
      );
      if (result.status === 'failed') process.exitCode = 1;
      if (result.status === 'interrupted' && flags.stay !== true) process.exitCode = 130;
    });
}
