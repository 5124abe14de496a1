/**
 * `pnpm bench fidl`: one FIDL protocol over the three transports, side by
 * side, then the codec alone on realistic driver messages.
 *
 * The protocol is fdf.sample/Echo (one-way Send, two-way Echo of a 512-byte
 * arena-backed buffer) over the Driver and Channel transports; the Banjo
 * cases call fdf.bench/BanjoEcho (bench.fidl), fdf.sample/BanjoEcho with
 * Echo's Send added, since the committed Banjo variant has no one-way method.
 * Every transport calls the same server code with the same request objects.
 *
 * Every case is run once while the suite is built and checked (the server saw
 * every call, replies hand back the request bytes, encode/decode round-trips),
 * and that run's transport and dispatcher counters give the notes.
 */
import { env } from '@fdf/runtime';
import type { BenchCase, BenchResult, BenchSuite } from './harness.js';
import { banjoCases } from './fidl/banjoCases.js';
import { channelCases, type ChannelFacts } from './fidl/channelCases.js';
import { codecCases, type CodecFacts } from './fidl/codecCases.js';
import { BURST, echoRequests, PAYLOAD_BYTES, type CopiedPerCall } from './fidl/common.js';
import { driverCases, type DriverFacts } from './fidl/driverCases.js';

interface Facts {
  driver: DriverFacts;
  channel: ChannelFacts;
  codec: CodecFacts;
}

export async function fidlSuite(): Promise<BenchSuite> {
  env.reset();
  // Cleanups in reverse order of setup; env.reset() last, once no binding is left.
  const cleanups: (() => Promise<void> | void)[] = [() => env.reset()];
  const dispose = async (): Promise<void> => {
    let first: unknown = null;
    while (cleanups.length > 0) {
      try {
        await cleanups.pop()!();
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== null) throw first;
  };
  try {
    const req = echoRequests();
    cleanups.push(() => req.arena.release());
    const banjo = await banjoCases(req);
    const driver = await driverCases(req);
    const channel = await channelCases(req);
    cleanups.push(channel.dispose);
    const codec = await codecCases();
    cleanups.push(codec.dispose);
    const facts: Facts = { driver: driver.facts, channel: channel.facts, codec: codec.facts };
    const cases: BenchCase[] = [...banjo, ...driver.cases, ...channel.cases, ...codec.cases];
    return {
      title:
        'fidl: fdf.sample Echo over Banjo, Driver and Channel, then encode+decode (ns per call, ratio to Banjo one-way)',
      cases: async () => cases,
      dispose,
      notes: (results) => notes(results, facts),
    };
  } catch (err) {
    // The setup failure is the one to report; what was started still has to stop.
    await dispose().catch(() => undefined);
    throw err;
  }
}

function notes(results: BenchResult[], facts: Facts): string[] {
  const ns = (name: string): number => results.find((r) => r.name === name)?.nsPerOp ?? NaN;
  const ratio = (a: string, b: string): string => `${(ns(a) / ns(b)).toFixed(2)}x`;
  /** Both directions of a ratio; `%` in a name template stands for one-way or two-way. */
  const pair = (a: string, b: string): string =>
    ['one-way', 'two-way']
      .map((k) => `${k} ${ratio(a.replace('%', k), b.replace('%', k))}`)
      .join(', ');
  const copied = (c: CopiedPerCall | undefined): string =>
    c === undefined
      ? 'n/a'
      : `${fmt(c.client + c.server)} B  (client ${fmt(c.client)} + server ${fmt(c.server)})`;
  const d = facts.driver;
  const ch = facts.channel;

  const lines = [
    '',
    `Bytes copied per two-way Echo of ${PAYLOAD_BYTES} arena-backed bytes (stats.bytesCopied of both ends):`,
    `  banjo                  0 B  (no counters: the callee gets the caller's objects; reply.data === request.data checked)`,
    `  driver, inlined        ${copied(d.copied.get('driver-two-way-inlined'))}`,
    `  driver, queued         ${copied(d.copied.get('driver-two-way-queued'))}`,
    `  channel, same host     ${copied(ch.copied.get('channel-two-way-same-host'))}`,
    `  channel, cross-worker  ${copied(ch.copied.get('channel-two-way-cross-worker'))}`,
    '  (Channel: each end counts what it encoded plus what it decoded; the zx channel copy itself is not counted.)',
    '',
    `Hand-overs in one burst of ${BURST} calls (dispatcher counters of the check run):`,
    ...[...d.handOvers].map(([name, text]) => `  ${name.padEnd(24)} ${text}`),
    '  (A binding re-arms its read wait only after handling a message, so messages that arrive',
    '  meanwhile are handed over late and counted as channelWaitNotYetRegistered.)',
    '',
    'Ratios:',
    `  Driver inlined / Banjo:                ${pair('driver-%-inlined', 'banjo-%')}`,
    `  Driver queued / Driver inlined:        ${pair('driver-%-queued', 'driver-%-inlined')}`,
    `  Channel same host / Driver inlined:    ${pair('channel-%-same-host', 'driver-%-inlined')}`,
    `  Channel cross-worker / Driver inlined: ${pair('channel-%-cross-worker', 'driver-%-inlined')}`,
    `  Channel cross-worker / same host:      ${pair('channel-%-cross-worker', 'channel-%-same-host')}`,
    '',
    'Encode+decode, per message:',
  ];
  for (const [name, m] of facts.codec.messages) {
    const handles = `${m.handles} handle${m.handles === 1 ? '' : 's'}`;
    const perItem = m.items > 1 ? `, ${fmt(ns(name) / m.items)} ns per ${m.what} (${m.items})` : '';
    lines.push(`  ${name.padEnd(28)} ${fmt(m.bytes)} B, ${handles}${perItem}`);
  }
  lines.push(
    '',
    `Two-way Driver and Channel cases keep ${BURST} calls in flight: ns/op is the time per call at that`,
    'depth, not the latency of a lone call. Channel one-way bursts end with one empty Echo as a fence.',
  );
  return lines;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 1 });
}
