/**
 * The control protocol between a block client and block-server, over zx
 * channels. fdf.block has no client-facing protocol (Block is a
 * Driver-transport protocol between drivers), so the few control calls
 * travel as small JSON messages with their handles beside them.
 *
 * Framing: bytes 0..3 are a u32 transaction id (little-endian), as
 * `ZxChannel.callAsync` writes it; the rest is one UTF-8 JSON object.
 * A reply carries the request's txid; txid 0 marks an event.
 *
 * Device channel:   {"method":"getInfo"}     -> {"status":0,"info":WireInfo}
 *                   {"method":"openSession"} -> {"status":0,"session":id,"fifoDepth":n}
 *                                               + handles [session channel, FIFO]
 * Session channel:  {"method":"attachVmo"} + [VMO] -> {"status":0,"vmoid":n}
 *                   {"method":"getStats"}   -> {"status":0,"stats":SessionStats}
 *                   {"method":"close"}      -> {"status":0} once its ops finished;
 *                                              then the server closes the channel
 * Events:           {"event":"closed","status":s,"reason":"..."}: the server ends the session
 *                   {"event":"error","status":s,"message":"..."}: a request without a txid
 * A failed call:    {"status":<negative>,"message":"what was wrong and what to do"}
 */
import { Status, StatusError } from '@fdf/zx';
import type { BlockInfo } from './blockDevice.js';

export const CONTROL_TXID_BYTES = 4;

/** BlockInfo as JSON: the u64 block count as a decimal string. */
export interface WireInfo {
  blockCount: string;
  blockSize: number;
  maxTransferSize: number;
  flags: number;
}

export type ControlMethod = 'getInfo' | 'openSession' | 'attachVmo' | 'getStats' | 'close';

/** A decoded control message: its txid and its JSON body (an object, unchecked beyond that). */
export interface ControlMessage {
  txid: number;
  body: Record<string, unknown>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeControl(txid: number, body: object): Uint8Array {
  const json = encoder.encode(JSON.stringify(body));
  const bytes = new Uint8Array(CONTROL_TXID_BYTES + json.length);
  new DataView(bytes.buffer).setUint32(0, txid >>> 0, true);
  bytes.set(json, CONTROL_TXID_BYTES);
  return bytes;
}

/**
 * Reads a control message. ERR_INVALID_ARGS, naming the problem, for fewer
 * than 4 bytes, bytes that are not UTF-8 JSON, or JSON that is not an object.
 */
export function decodeControl(bytes: Uint8Array): ControlMessage {
  if (bytes.length < CONTROL_TXID_BYTES) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `block control: a message of ${bytes.length} bytes has no 4-byte txid; send [txid u32][JSON]`,
    );
  }
  const txid = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  let body: unknown;
  try {
    body = JSON.parse(decoder.decode(bytes.subarray(CONTROL_TXID_BYTES)));
  } catch (err) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `block control: the body after the txid is not UTF-8 JSON (${String(err)}); send one JSON object`,
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      'block control: the body must be a JSON object such as {"method":"getInfo"}',
    );
  }
  return { txid, body: body as Record<string, unknown> };
}

export function infoToWire(info: BlockInfo): WireInfo {
  return {
    blockCount: info.blockCount.toString(),
    blockSize: info.blockSize,
    maxTransferSize: info.maxTransferSize,
    flags: info.flags,
  };
}

function u32(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `block control: info.${what} ${JSON.stringify(value)} is not a u32`,
    );
  }
  return value;
}

/** Checks a WireInfo from the other side (ERR_INVALID_ARGS naming the bad field). */
export function infoFromWire(value: unknown): BlockInfo {
  const w = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const count = w['blockCount'];
  if (
    typeof count !== 'string' ||
    !/^\d{1,20}$/.test(count) ||
    BigInt(count) > 0xffff_ffff_ffff_ffffn
  ) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `block control: info.blockCount ${JSON.stringify(count)} is not a u64 in decimal`,
    );
  }
  return {
    blockCount: BigInt(count),
    blockSize: u32(w['blockSize'], 'blockSize'),
    maxTransferSize: u32(w['maxTransferSize'], 'maxTransferSize'),
    flags: u32(w['flags'], 'flags'),
  };
}

/** The status of a reply body; an error reply becomes a StatusError carrying its message. */
export function checkReply(body: Record<string, unknown>, what: string): void {
  const status = body['status'];
  if (typeof status !== 'number' || !Number.isInteger(status)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${what}: the reply has no integer status (${JSON.stringify(body).slice(0, 200)}); is the peer a block-server?`,
    );
  }
  if (status !== Status.OK) {
    const message = typeof body['message'] === 'string' ? body['message'] : 'no reason given';
    throw new StatusError(status as Status, `${what}: block-server refused: ${message}`);
  }
}
