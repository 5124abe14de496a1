/**
 * The values the codec cases encode, filled the way the real drivers fill
 * them, so the message sizes (and the share of vectors, tables and absent
 * members) are those a driver host would see.
 */
import { block } from '@fdf/bindings';
import type { Vmo } from '@fdf/zx';
import type {
  ContactInputReport,
  InputReport,
  InputReportBatch,
  TxBatch,
  TxBuffer,
} from './benchLibrary.js';

/** A 32 KiB read at byte offset 1 GiB of a 512-byte-block disk, into a 1 MiB VMO at block 256. */
export function blockReadOp(vmo: Vmo): block.BlockOp {
  return block.BlockOp.rw({
    command: { opcode: block.BlockOpcode.READ, flags: 0 },
    extra: 0x2a,
    vmo,
    length: 64,
    offsetDev: 2_097_152n,
    offsetVmo: 256n,
  });
}

const FRAME_TYPE_ETHERNET = 1;
/** TxFlags.CSUM_V4 | CSUM_L4: the device fills in the IPv4 and TCP checksums. */
const TX_CSUM_OFFLOAD = 0x3;
/** Each frame owns a 2 KiB slot of the device's data VMO. */
const SLOT = 2048n;

/**
 * 64 frames as a network stack queues them: most are one 1514-byte region,
 * every fourth is scattered (a 54-byte header region and its payload, as TCP
 * segmentation leaves them), every eighth is a short ACK.
 */
export function txBatch(count: number): TxBatch {
  const buffers: TxBuffer[] = [];
  for (let i = 0; i < count; i++) {
    const base = BigInt(i) * SLOT;
    const data =
      i % 8 === 7
        ? [{ vmo: 0, offset: base, length: 66n }]
        : i % 4 === 3
          ? [
              { vmo: 0, offset: base, length: 54n },
              { vmo: 1, offset: base, length: 1460n },
            ]
          : [{ vmo: 0, offset: base, length: 1514n }];
    buffers.push({
      id: 0x1000 + i,
      data,
      meta: { port: 1, frameType: FRAME_TYPE_ETHERNET, flags: TX_CSUM_OFFLOAD },
      // Room for a virtio-net header in front; nothing behind.
      headLength: 12,
      tailLength: 0,
    });
  }
  return { buffers };
}

/** 120 Hz: a touch controller's report period, in ns. */
const PERIOD_NS = 8_333_333n;

/**
 * 50 touchscreen reports of a two-finger pinch on a 150 x 95 mm panel
 * (positions in micrometers): one finger down, the second joins, both
 * move apart, the first lifts. Buttons are rarely pressed.
 */
export function inputReportBatch(count: number): InputReportBatch {
  const reports: InputReport[] = [];
  const start = 1_726_000_000_000_000_000n;
  for (let i = 0; i < count; i++) {
    const spread = BigInt(i) * 900n;
    const contacts: ContactInputReport[] = [];
    if (i < count - 5) contacts.push(contact(1, 75_000n - spread, 47_500n - spread / 2n, i));
    if (i >= 5) contacts.push(contact(2, 75_000n + spread, 47_500n + spread / 2n, i));
    reports.push({
      eventTime: start + BigInt(i) * PERIOD_NS,
      touch: {
        contacts,
        pressedButtons: i % 25 === 0 ? new Uint8Array([1]) : new Uint8Array(0),
      },
    });
  }
  return { reports };
}

function contact(id: number, x: bigint, y: bigint, i: number): ContactInputReport {
  return {
    contactId: id,
    positionX: x,
    positionY: y,
    pressure: 180n + BigInt(i % 7) * 5n,
    contactWidth: 7_800n + BigInt(i % 3) * 100n,
    contactHeight: 8_400n + BigInt(i % 5) * 100n,
  };
}
