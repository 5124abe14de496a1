import { isAbsolute, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  FidlError,
  compileFidl,
  decodeHexToJson,
  encodeJsonToHex,
  formatDiagnostic,
  loadFidlFiles,
  type IrRoot,
} from '@fdf/fidl';
import { Status, StatusError } from '@fdf/zx';

/**
 * `fdf fidl encode` and `fdf fidl decode`: the wire format V2 codec on the
 * command line. Values are JSON in the conventions of gidl_cases.json (FIDL
 * member names, 64-bit integers as decimal strings, unions as one-key
 * objects); bytes are hex, 8 per line (packages/fidl/docs/wire.md).
 * `pnpm fdf` runs from the repository root, so relative paths are resolved
 * against the directory the command was typed in (INIT_CWD).
 */

function userDir(): string {
  return process.env['INIT_CWD'] ?? process.cwd();
}

/** Compiles the files (every library involved) or throws with the compiler's diagnostics. */
function compile(files: string[]): IrRoot {
  if (files.length === 0) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      'no .fidl files given; pass the files that declare the type and everything it uses',
    );
  }
  const dir = userDir();
  const sources = loadFidlFiles(files.map((f) => (isAbsolute(f) ? f : resolve(dir, f)))).map(
    (s) => ({ ...s, path: relative(dir, s.path) }),
  );
  const { ir, diagnostics } = compileFidl(sources);
  if (ir === null) {
    const text = new Map(sources.map((s) => [s.path, s.text]));
    const errors = diagnostics.filter((d) => d.severity === 'error');
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `the FIDL files do not compile (${errors.length} errors); fix them first (\`fdf fidl check\`):\n${errors
        .map((d) => formatDiagnostic(d, text.get(d.file)))
        .join('\n')}`,
    );
  }
  return ir;
}

/** Runs a wire command: a FidlError prints its code name on the first line and exits 1. */
function run(work: () => string): void {
  try {
    console.log(work());
  } catch (err) {
    if (!(err instanceof FidlError)) throw err;
    console.error(err.code);
    console.error(err.message);
    process.exitCode = 1;
  }
}

export function registerFidlWireCommands(fidl: Command): void {
  fidl
    .command('encode')
    .description(
      'Encode a JSON value as FIDL wire format V2 and print the bytes as hex, 8 per line',
    )
    .requiredOption('--type <library/Type>', 'the type, e.g. test.conformance/MyBool')
    .requiredOption('--value <json>', 'the value as JSON, e.g. \'{"value": true}\'')
    .argument('<files...>', '.fidl files declaring the type and everything it uses')
    .action((files: string[], opts: { type: string; value: string }) => {
      const ir = compile(files);
      run(() => encodeJsonToHex(ir, opts.type, opts.value));
    });

  fidl
    .command('decode')
    .description('Decode FIDL wire format V2 bytes and print the value as JSON, or the error code')
    .requiredOption('--type <library/Type>', 'the type, e.g. test.conformance/MyBool')
    .requiredOption('--hex <bytes>', "the bytes as hex: '01 00 ...', '0x01,0x00', or '0100...'")
    .argument('<files...>', '.fidl files declaring the type and everything it uses')
    .action((files: string[], opts: { type: string; hex: string }) => {
      const ir = compile(files);
      run(() => decodeHexToJson(ir, opts.type, opts.hex));
    });
}
