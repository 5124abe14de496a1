/**
 * `pnpm bench [suite...] [--json FILE] [--time MS]`: runs benchmark suites and
 * prints, per suite, ns per operation with the ratio to the suite's first line.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { Status, StatusError } from '@fdf/zx';
import { formatTable, measureCases, type BenchResult, type BenchSuite } from './bench/harness.js';
import { suites } from './bench/suites.js';

interface BenchOptions {
  json?: string;
  time: string;
}

async function runSuite(name: string, suite: BenchSuite, timeMs: number): Promise<BenchResult[]> {
  const cases = await suite.cases();
  try {
    const results = await measureCases(cases, {
      timeMs,
      onProgress: (label) => process.stderr.write(`  measuring ${name}: ${label}\n`),
    });
    console.log(formatTable(`\n${suite.title}`, results).join('\n'));
    for (const note of suite.notes?.(results) ?? []) console.log(note);
    return results;
  } finally {
    await suite.dispose?.();
  }
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('bench')
    .description('Run benchmark suites side by side and print ratios against each suite baseline')
    .argument('[suites...]', `suites to run: ${Object.keys(suites).join(', ')} (default: all)`)
    .option('--json <file>', 'also write the results as a JSON array of {name, nsPerOp} records')
    .option('--time <ms>', 'measured time per case in milliseconds', '500')
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
      const timeMs = Number(opts.time);
      if (!Number.isFinite(timeMs) || timeMs <= 0) {
        throw new StatusError(
          Status.ERR_INVALID_ARGS,
          `--time ${opts.time} is not a positive number of ms`,
        );
      }
      const all: BenchResult[] = [];
      for (const n of chosen) {
        const suite = await suites[n]!();
        all.push(...(await runSuite(n, suite, timeMs)));
      }
      if (opts.json) {
        const file = resolve(process.env['INIT_CWD'] ?? process.cwd(), opts.json);
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
