/**
 * Encode plus decode of whole messages with `createCodec`, the work the
 * Channel transport adds per message (and the Driver transport avoids): a
 * block op carrying a VMO handle, a QueueTx batch of 64 tx buffers, and a
 * ReadInputReports reply of 50 touch reports.
 */
import { isDeepStrictEqual } from 'node:util';
import { block } from '@fdf/bindings';
import { createCodec, type Codec } from '@fdf/fidl';
import { Status, StatusError, Vmo } from '@fdf/zx';
import type { BenchCase } from '../harness.js';
import { benchIr } from './benchLibrary.js';
import { blockReadOp, inputReportBatch, txBatch } from './payloads.js';

/** Encode+decode round trips per measured call. */
const REPS = 20;
const TX_BUFFERS = 64;
const INPUT_REPORTS = 50;

export interface CodecFacts {
  /** Per case name: the encoded message, and how many items it holds (for ns per item). */
  messages: Map<string, { bytes: number; handles: number; items: number; what: string }>;
}

export interface CodecCases {
  cases: BenchCase[];
  facts: CodecFacts;
  dispose(): Promise<void>;
}

export async function codecCases(): Promise<CodecCases> {
  // fdf.block's IR is the coding table @fdf/bindings compiled from block.fidl,
  // so the op is measured with the committed types; fdf.bench is compiled now.
  const blockCodec = createCodec(block.Block.codec.ir);
  const benchCodec = createCodec(benchIr());
  const vmo = Vmo.create(1 << 20);
  const facts: CodecFacts = { messages: new Map() };

  const roundTrip = (
    name: string,
    label: string,
    codec: Codec,
    type: string,
    value: unknown,
    items: number,
    what: string,
  ): BenchCase => {
    // The first round trip doubles as the check: the decoded value equals the
    // original (handles included: the codec passes the same Vmo object back).
    const encoded = codec.encode(type, value);
    const back = codec.decode(type, encoded.bytes, encoded.handles);
    if (!isDeepStrictEqual(back, value)) {
      throw new StatusError(
        Status.ERR_INTERNAL,
        `benchmark ${name} is broken: ${type} does not decode to what was encoded`,
      );
    }
    facts.messages.set(name, {
      bytes: encoded.bytes.length,
      handles: encoded.handles.length,
      items,
      what,
    });
    return {
      name,
      label,
      opsPerCall: REPS,
      fn: () => {
        for (let i = 0; i < REPS; i++) {
          const { bytes, handles } = codec.encode(type, value);
          codec.decode(type, bytes, handles);
        }
      },
    };
  };

  try {
    const cases = [
      roundTrip(
        'encode-decode-block-op',
        'encode+decode fdf.block BlockOp rw (1 VMO handle)',
        blockCodec,
        'fdf.block/BlockOp',
        blockReadOp(vmo),
        1,
        'op',
      ),
      roundTrip(
        'encode-decode-tx-buffers',
        `encode+decode ${TX_BUFFERS} network tx buffers (QueueTx)`,
        benchCodec,
        'fdf.bench/TxBatch',
        txBatch(TX_BUFFERS),
        TX_BUFFERS,
        'buffer',
      ),
      roundTrip(
        'encode-decode-input-reports',
        `encode+decode ${INPUT_REPORTS} touch input reports (ReadInputReports)`,
        benchCodec,
        'fdf.bench/InputReportBatch',
        inputReportBatch(INPUT_REPORTS),
        INPUT_REPORTS,
        'report',
      ),
    ];
    return { cases, facts, dispose: async () => vmo.close() };
  } catch (err) {
    vmo.close();
    throw err;
  }
}
