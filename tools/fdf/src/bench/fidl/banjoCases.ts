/**
 * Banjo: a call through the function table the parent driver handed out,
 * on the caller's stack. The floor every other transport is compared with.
 */
import type { sample } from '@fdf/bindings';
import type { BenchCase } from '../harness.js';
import { banjoEcho } from './benchLibrary.js';
import { BANJO_BATCH, probe, type EchoRequests } from './common.js';
import { banjoEchoOps, newEchoCounter, type EchoCounter } from './echoServer.js';

export async function banjoCases(req: EchoRequests): Promise<BenchCase[]> {
  const BanjoEcho = banjoEcho<EchoCounter>();
  const counter = newEchoCounter();
  const client = BanjoEcho.client(BanjoEcho.bind(banjoEchoOps, counter));
  // Written by every call, read by the check: the replies cannot be optimized away.
  let last: sample.EchoEchoResponse | null = null;

  const oneWay: BenchCase = {
    name: 'banjo-one-way',
    label: 'Banjo one-way Send (direct call)',
    opsPerCall: BANJO_BATCH,
    fn: () => {
      for (let i = 0; i < BANJO_BATCH; i++) client.send(req.send);
    },
  };
  const twoWay: BenchCase = {
    name: 'banjo-two-way',
    label: 'Banjo two-way Echo (direct call)',
    opsPerCall: BANJO_BATCH,
    fn: () => {
      for (let i = 0; i < BANJO_BATCH; i++) last = client.echo(req.echo);
    },
  };

  let seen = counter.received;
  const counted = (): string | null => {
    const n = counter.received - seen;
    seen = counter.received;
    return n === BANJO_BATCH ? null : `the table saw ${n} calls, not ${BANJO_BATCH}`;
  };
  await probe(oneWay, counted);
  await probe(twoWay, () => {
    if (last?.data !== req.echo.data) return 'the reply does not hand back the request bytes';
    return counted();
  });
  return [oneWay, twoWay];
}
