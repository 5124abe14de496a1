import { MessageChannel, receiveMessageOnPort, type TransferListItem } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { expectStatus } from '../test/expectStatus.js';
import { Event } from './event.js';
import { Handle, ObjType } from './handle.js';
import {
  handleFromTransfer,
  isHandleDescriptor,
  registerHandleKind,
  transferHandle,
  transferHandles,
} from './handleTransfer.js';
import { Status } from './status.js';
import { Vmo } from './vmo.js';

class LocalOnly extends Handle {
  readonly objType = ObjType.NONE;
  protected onClose(): void {}
}

function roundTrip(value: unknown, transferList: TransferListItem[]): unknown {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(value, transferList);
  const received = receiveMessageOnPort(port2)?.message;
  port1.close();
  return received;
}

describe('handle transfer', () => {
  test('transferHandles consumes every handle and revives them in order', () => {
    const vmo = Vmo.create(10);
    const event = Event.create();
    const { descriptors, transferList } = transferHandles([vmo, event]);
    expect(vmo.closed && event.closed).toBe(true);
    const received = roundTrip(descriptors, transferList) as unknown[];
    expect(received.every(isHandleDescriptor)).toBe(true);
    const [v, e] = received.map((d) => handleFromTransfer(d as never));
    expect(v).toBeInstanceOf(Vmo);
    expect(e).toBeInstanceOf(Event);
  });

  test('a failed check consumes nothing', () => {
    const vmo = Vmo.create(10);
    const closed = Event.create();
    closed.close();
    expectStatus(() => transferHandles([vmo, closed]), Status.ERR_BAD_HANDLE);
    expectStatus(() => transferHandles([vmo, vmo]), Status.ERR_BAD_HANDLE);
    expectStatus(() => transferHandles([vmo, new LocalOnly()]), Status.ERR_NOT_SUPPORTED);
    expect(vmo.closed).toBe(false);
  });

  test('handles of one thread only cannot travel', () => {
    const local = new LocalOnly();
    expectStatus(() => local.toTransfer([]), Status.ERR_NOT_SUPPORTED);
    expectStatus(() => transferHandle(local), Status.ERR_NOT_SUPPORTED);
    expect(local.closed).toBe(false);
  });

  test('revival checks the descriptor, the kind and the expected class', () => {
    expectStatus(() => handleFromTransfer({} as never), Status.ERR_INVALID_ARGS);
    expectStatus(
      () => handleFromTransfer({ kind: 'nobody.knows', payload: null }),
      Status.ERR_NOT_SUPPORTED,
    );
    const { descriptor, transferList } = transferHandle(Event.create());
    const received = roundTrip(descriptor, transferList);
    expectStatus(() => handleFromTransfer(received as never, Vmo), Status.ERR_WRONG_TYPE);
  });

  test('a kind name belongs to one reviver', () => {
    const revive = (): Handle => new LocalOnly();
    registerHandleKind('test.local', revive);
    registerHandleKind('test.local', revive);
    expectStatus(
      () => registerHandleKind('test.local', () => new LocalOnly()),
      Status.ERR_ALREADY_EXISTS,
    );
    expect(handleFromTransfer({ kind: 'test.local', payload: null })).toBeInstanceOf(LocalOnly);
  });

  test('commitTransfer leaves the handle closed', () => {
    const event = Event.create();
    event.commitTransfer();
    expectStatus(() => event.signals, Status.ERR_BAD_HANDLE);
    expectStatus(() => event.commitTransfer(), Status.ERR_BAD_HANDLE);
  });
});
