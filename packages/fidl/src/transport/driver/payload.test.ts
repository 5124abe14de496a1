import { Arena, env } from '@fdf/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Echo, type Packet } from '../../../test/transport/fixtures/generated/test.echo.js';
import { newStats } from '../types.js';
import { DriverProtocol } from './plan.js';

beforeEach(() => env.reset());
afterEach(() => env.reset());

const echoPacket = DriverProtocol.of(Echo).method(
  Echo.methods.find((m) => m.name === 'echoPacket')!,
);

function packet(data: Uint8Array): { packet: Packet } {
  return { packet: { id: 1, data, tags: [] } };
}

describe('Driver payloads and the arena rule', () => {
  it('a buffer already checked in one arena is still copied into another', () => {
    const a = Arena.create('a');
    const b = Arena.create('b');
    const stats = newStats();
    const value = packet(a.allocate(64));
    const request = echoPacket.request!;
    expect(request.toArena(value, a, stats)).toBe(value);
    expect(request.toArena(value, a, stats)).toBe(value);
    expect(stats).toEqual({ messages: 0, bytesCopied: 0, copies: 0 });
    const moved = request.toArena(value, b, stats) as { packet: Packet };
    expect(moved).not.toBe(value);
    expect(b.contains(moved.packet.data)).toBe(true);
    expect(stats).toEqual({ messages: 0, bytesCopied: 64, copies: 1 });
    // And back: the buffer of `a` is still known to lie in `a`.
    expect(request.toArena(value, a, stats)).toBe(value);
    expect(stats.copies).toBe(1);
    a.release();
    b.release();
  });

  it('a buffer checked in an arena that was released since is not trusted', () => {
    const a = Arena.create('a');
    const stats = newStats();
    const value = packet(a.allocate(16));
    const request = echoPacket.request!;
    expect(request.toArena(value, a, stats)).toBe(value);
    a.release();
    // The arena is gone: nothing lies in it, and copying into it fails as before.
    expect(a.contains(value.packet.data)).toBe(false);
    expect(() => request.toArena(value, a, stats)).toThrow(/after the last reference/);
  });

  it('incoming: buffers in the caller-held arena stay, others are copied out once', () => {
    const message = Arena.create('message');
    const caller = Arena.create('caller');
    const stats = newStats();
    const response = echoPacket.response!;
    const inMessage = packet(message.allocate(32));
    const inCaller = packet(caller.allocate(8));
    // The reply in the caller's own arena: nothing moves.
    expect(response.outOfArena(inMessage, message, message, stats)).toBe(inMessage);
    // A reply in an arena the caller does not hold: its buffers go to the heap.
    const out = response.outOfArena(inMessage, message, caller, stats) as { packet: Packet };
    expect(out).not.toBe(inMessage);
    expect(message.contains(out.packet.data)).toBe(false);
    expect(out.packet.data).toEqual(inMessage.packet.data);
    // A buffer outside the message's arena is not the message's to free.
    expect(response.outOfArena(inCaller, message, null, stats)).toBe(inCaller);
    expect(stats).toEqual({ messages: 0, bytesCopied: 32, copies: 1 });
    message.release();
    caller.release();
  });
});
