/**
 * `pnpm bench [suite...] [--json FILE] [--time MS] [--quick] [--svg FILE] [--no-crypt]`:
 * runs benchmark suites and prints, per suite, ns per operation with the
 * ratio to the suite's first line; a suite that measures its own way (block)
 * prints its own table. --quick, --svg and --no-crypt are for such suites.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { Status, StatusError } from '@fdf/zx';
import {
  formatTable,
  measureCases,
  type BenchSuite,
  type SuiteRunOptions,
} from './bench/harness.js';
import { suites } from './bench/suites.js';

interface BenchOptions {
  json?: string;
  time?: string;
  quick?: boolean;
  svg?: string;
  crypt: boolean;
}

/** ms per case for the ns-per-call suites when --time is not given. */
const DEFAULT_TIME_MS = 500;

/** Runs one suite; returns its --json records. */
async function runSuite(suite: BenchSuite, options: SuiteRunOptions): Promise<readonly object[]> {
  if (suite.run !== undefined) {
    try {
      console.log(`\n${suite.title}`);
      await suite.run(options);
      for (const note of suite.notes?.([]) ?? []) console.log(note);
      return suite.jsonRecords?.() ?? [];
    } finally {
      await suite.dispose?.();
    }
  }
  const cases = await suite.cases();
  try {
    const results = await measureCases(cases, {
      timeMs: options.timeMs ?? DEFAULT_TIME_MS,
      onProgress: options.onProgress,
    });
    console.log(formatTable(`\n${suite.title}`, results).join('\n'));
    for (const note of suite.notes?.(results) ?? []) console.log(note);
    return suite.jsonRecords?.() ?? results;
  } finally {
    await suite.dispose?.();
  }
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('bench')
    .description('Run benchmark suites side by side and print ratios against each suite baseline')
    .argument('[suites...]', `suites to run: ${Object.keys(suites).join(', ')} (default: all)`)
    .option(
      '--json <file>',
      'also write the results as a JSON array ({name, nsPerOp} records; block: one record per cell)',
    )
    .option(
      '--time <ms>',
      `measured time per case in milliseconds (default ${DEFAULT_TIME_MS}; block: per cell and round)`,
    )
    .option('--quick', 'block: a smaller matrix (queue depths 1 and 8, one short round)')
    .option('--svg <file>', 'block: where the chart goes (default bench-results/block.svg)')
    .option('--no-crypt', 'block: leave zxcrypt out of the stack')
    .action(async (names: string[], opts: BenchOptions) => {
      const chosen = names.length > 0 ? names : Object.keys(suites);
      for (const n of chosen) {
        if (!(n in suites)) {
          throw new StatusError(
            Status.ERR_NOT_FOUND,
            `no benchmark suite '${n}'; choose from: ${Object.keys(suites).join(', ')}`,
          );
        }
      }
      const timeMs = opts.time === undefined ? undefined : Number(opts.time);
      if (timeMs !== undefined && (!Number.isFinite(timeMs) || timeMs <= 0)) {
        throw new StatusError(
          Status.ERR_INVALID_ARGS,
          `--time ${opts.time} is not a positive number of ms`,
        );
      }
      // pnpm runs scripts from the workspace root; paths are meant from where it was started.
      const resolvePath = (path: string): string =>
        resolve(process.env['INIT_CWD'] ?? process.cwd(), path);
      const all: object[] = [];
      for (const n of chosen) {
        const suite = await suites[n]!();
        const options: SuiteRunOptions = {
          timeMs,
          quick: opts.quick === true,
          svg: opts.svg === undefined ? undefined : resolvePath(opts.svg),
          crypt: opts.crypt,
          resolvePath,
          onProgress: (label) => process.stderr.write(`  measuring ${n}: ${label}\n`),
        };
        all.push(...(await runSuite(suite, options)));
      }
      if (opts.json) {
        const file = resolvePath(opts.json);
        writeFileSync(file, JSON.stringify(all, null, 2) + '\n');
        console.log(`\nwrote ${all.length} records to ${file}`);
      }
    });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof StatusError) {
      console.error(`bench: ${err.message}`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}

await main(process.argv);
