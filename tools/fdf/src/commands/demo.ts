/**
 * `fdf demo`: a chain of four drivers in one host forwarding requests down
 * and replies back up, over Driver-transport channels, then the dispatcher
 * dumps that show which hand-overs were inlined and why the others were not.
 *
 *   client -> filter -> partition -> device
 *
 * Each request carries one arena down the whole chain, as a block op does.
 */
import type { Command } from 'commander';
import { Arena, Channel, Dispatcher, env, type Message } from '@fdf/runtime';
import { Status } from '@fdf/zx';

interface Request {
  id: number;
  offset: number;
  path: string[];
}

interface Hop {
  driver: { name: string };
  dispatcher: Dispatcher;
  /** End facing the driver above (receives requests, sends replies). */
  up: Channel | null;
  /** End facing the driver below (sends requests, receives replies). */
  down: Channel | null;
}

/** Reads one message per wait and re-arms, as FIDL bindings do. */
function onMessages(end: Channel, d: Dispatcher, handle: (m: Message) => void): void {
  const handler = (status: Status): void => {
    // CANCELED at shutdown, PEER_CLOSED when the other driver went away.
    if (status !== Status.OK) return;
    const m = end.read();
    handle(m);
    end.waitAsync(d, handler);
  };
  end.waitAsync(d, handler);
}

export interface DemoResult {
  completed: number;
  dumps: string[][];
  lines: string[];
}

export function runDemo(requests = 8): DemoResult {
  env.reset();
  const names = ['client', 'filter', 'partition', 'device'];
  const hops: Hop[] = names.map((name) => {
    const driver = { name };
    return {
      driver,
      dispatcher: env.createDispatcherWithOwner(driver, { name: `${name}-default` }),
      up: null,
      down: null,
    };
  });
  for (let i = 0; i + 1 < hops.length; i++) {
    const [down, up] = Channel.create();
    hops[i]!.down = down;
    hops[i + 1]!.up = up;
  }

  const lines: string[] = [];
  let completed = 0;

  // Middle drivers edit the request and forward it with the same arena; on the
  // way up they forward the reply unchanged.
  for (const hop of hops.slice(1, -1)) {
    onMessages(hop.up!, hop.dispatcher, (m) => {
      const req = m.data as Request;
      req.offset += 100;
      req.path.push(hop.driver.name);
      hop.down!.write(m.arena, req);
      m.arena?.release();
    });
    onMessages(hop.down!, hop.dispatcher, (m) => {
      hop.up!.write(m.arena, m.data);
      m.arena?.release();
    });
  }
  const device = hops[hops.length - 1]!;
  onMessages(device.up!, device.dispatcher, (m) => {
    const req = m.data as Request;
    req.path.push(device.driver.name);
    device.up!.write(m.arena, req);
    m.arena?.release();
  });
  const client = hops[0]!;
  onMessages(client.down!, client.dispatcher, (m) => {
    const req = m.data as Request;
    completed++;
    lines.push(`request ${req.id}: offset ${req.offset} via ${req.path.join(' -> ')}`);
    m.arena?.release();
  });

  const send = (id: number): void => {
    const arena = Arena.create(`request-${id}`);
    client.down!.write(arena, { id, offset: id, path: ['client'] });
    arena.release();
  };
  // Half the requests come from a task of the client driver (the runtime knows
  // the sender), half from outside any runtime callback (an unknown thread).
  client.dispatcher.post(() => {
    for (let id = 0; id < requests / 2; id++) send(id);
  });
  env.runUntilIdle();
  for (let id = requests / 2; id < requests; id++) send(id);
  env.runUntilIdle();

  const dumps = hops.map((hop) => hop.dispatcher.dump());
  for (const hop of hops) hop.dispatcher.shutdownAsync();
  env.runUntilIdle();
  return { completed, dumps, lines };
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Run a chain of four drivers and print the dispatcher dumps (inlined vs queued)')
    .option('-n, --requests <count>', 'requests to send', '8')
    .action((opts: { requests: string }) => {
      const { completed, dumps, lines } = runDemo(Number(opts.requests));
      console.log('A chain of drivers in one host: client -> filter -> partition -> device\n');
      for (const line of lines) console.log(`  ${line}`);
      console.log(`\n${completed} requests completed. Dispatcher dumps:\n`);
      for (const dump of dumps) console.log(dump.join('\n') + '\n');
    });
}
