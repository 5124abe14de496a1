/**
 * The host core in this thread (the worker runs the same code): start and
 * stop order, connections between drivers of one host, failures.
 */
import { sample } from '@fdf/bindings';
import { Dispatcher, env } from '@fdf/runtime';
import { Status, StatusError, ZX_CHANNEL_PEER_CLOSED, ZxChannel } from '@fdf/zx';
import { afterEach, describe, expect, it } from 'vitest';
import { DriverBase, type DriverClass } from '../driver/driverBase.js';
import type { LogRecord } from '../driver/logger.js';
import type { ChildNodeRequest, DriverStartInfo, NodeInfo } from '../driver/startInfo.js';
import type { ProviderRef } from '../namespace/incoming.js';
import { DriverHost } from './driverHost.js';

afterEach(() => env.reset());

const events: string[] = [];

class ParentDriver extends DriverBase {
  async start(): Promise<void> {
    events.push(`parent start on ${Dispatcher.current()?.name ?? 'none'}`);
    const offer = this.outgoing.addService(sample.Echo, {
      echo: ({ data }, c) => c.reply({ data }),
      echoString: ({ value }, c) => {
        this.counters.add('echo.strings');
        c.reply({ value: value.toUpperCase() });
      },
      send: () => {},
      watchCount: () => {},
    });
    await this.node.addChild({
      name: 'child',
      properties: { 'test.role': 'child' },
      offers: [offer],
    });
  }

  override prepareStop(): void {
    events.push(`parent prepareStop on ${Dispatcher.current()?.name ?? 'none'}`);
  }

  override stop(): void {
    events.push(`parent stop, default dispatcher ${this.dispatcher.state}`);
  }
}

class ChildDriver extends DriverBase {
  value = '';

  async start(): Promise<void> {
    const echo = this.incoming.connect(sample.Echo);
    this.value = (await echo.echoString({ value: 'hi' })).value;
    this.logger.info(`got ${this.value}`);
  }
}

class ThrowingDriver extends DriverBase {
  start(): void {
    this.createDispatcher({ name: 'extra' });
    throw new StatusError(Status.ERR_IO, 'the device did not answer');
  }
}

function startInfo(
  instance: number,
  name: string,
  node: Partial<NodeInfo> = {},
  incoming: DriverStartInfo['incoming'] = [],
): DriverStartInfo {
  return {
    instance,
    name,
    url: `fdf-ts:///${name}`,
    module: '(test)',
    export: name,
    variant: 'driver',
    host: 'h',
    allowSyncCalls: false,
    node: {
      name: 'n',
      path: `root/${name}`,
      properties: [],
      offers: [],
      parents: [],
      composite: false,
      ...node,
    },
    incoming,
  };
}

function hostWith(classes: Record<string, DriverClass>): {
  host: DriverHost;
  children: ChildNodeRequest[];
  logs: LogRecord[];
} {
  const children: ChildNodeRequest[] = [];
  const logs: LogRecord[] = [];
  const host = new DriverHost(
    'h',
    {
      addChild: (_i, request) => {
        children.push(request);
        return Promise.resolve({
          name: request.name,
          path: `root/parent/${request.name}`,
          properties: request.properties,
          offers: request.offers,
          parents: [{ role: 'default', path: 'root/parent' }],
          composite: false,
        });
      },
      removeNode: () => Promise.resolve(),
      connect: (_p: ProviderRef, _o: string, server: ZxChannel) => server.close(),
      log: (r) => logs.push(r),
    },
    {
      loadClass: (info) => {
        const c = classes[info.name];
        return c === undefined
          ? Promise.reject(new StatusError(Status.ERR_NOT_FOUND, info.name))
          : Promise.resolve(c);
      },
    },
  );
  return { host, children, logs };
}

describe('DriverHost', () => {
  it('starts a parent and a child in one host: the child connects over the Driver transport', async () => {
    events.length = 0;
    const { host, children, logs } = hostWith({ parent: ParentDriver, child: ChildDriver });
    expect(await host.startDriver(startInfo(1, 'parent'))).toEqual({ workloads: [] });
    expect(children).toEqual([
      {
        name: 'child',
        properties: [{ key: 'test.role', value: 'child' }],
        offers: ['fdf.sample.Echo/default'],
      },
    ]);
    const provider = { instance: 1, driver: 'parent', host: 'h' };
    await host.startDriver(
      startInfo(2, 'child', { path: 'root/parent/child' }, [
        {
          offer: 'fdf.sample.Echo/default',
          parent: 'default',
          node: 'root/parent/child',
          provider,
        },
      ]),
    );
    expect((host.hosted(2)?.driver as ChildDriver).value).toBe('HI');
    expect(logs.map((l) => `${l.source}: ${l.message}`)).toEqual([
      'child@root/parent/child: got HI',
    ]);
    const reports = host.reports();
    expect(reports.map((r) => [r.driver, r.state, r.incoming.map((c) => c.transport)])).toEqual([
      ['parent', 'running', []],
      ['child', 'running', ['driver']],
    ]);
    expect(reports[0]?.counters).toEqual({ 'echo.strings': 1 });
    expect(host.stats()).toMatchObject({ host: 'h', drivers: 2 });

    await host.stopAll();
    expect(events).toEqual([
      'parent start on default@root/parent',
      'parent prepareStop on default@root/parent',
      'parent stop, default dispatcher shutdown',
    ]);
    expect(host.size).toBe(0);
  });

  it('tears a driver down when its start fails, with the reason', async () => {
    const { host } = hostWith({ bad: ThrowingDriver });
    await expect(host.startDriver(startInfo(1, 'bad'))).rejects.toThrow(
      'ZX_ERR_IO: driver bad failed to start on root/bad: the device did not answer',
    );
    expect(host.size).toBe(0);
    expect(host.hosted(1)).toBeUndefined();
  });

  it('refuses a second start of one instance, and names unknown instances', async () => {
    const { host } = hostWith({ parent: ParentDriver });
    await host.startDriver(startInfo(1, 'parent'));
    await expect(host.startDriver(startInfo(1, 'parent'))).rejects.toThrow(
      'host h already runs driver instance 1',
    );
    await expect(host.stopDriver(9)).rejects.toThrow('host h runs no driver instance 9');
    await host.stopAll();
  });

  it('closes a connection from another host to a driver it does not run, and logs why', () => {
    const { host, logs } = hostWith({});
    const [client, server] = ZxChannel.create();
    host.serve(7, 'fdf.sample.Echo/default', server);
    expect(server.closed).toBe(true);
    expect(client.signals & ZX_CHANNEL_PEER_CLOSED).toBe(ZX_CHANNEL_PEER_CLOSED);
    expect(logs[0]?.message).toBe(
      "refused a connection to 'fdf.sample.Echo/default': ZX_ERR_NOT_FOUND: no driver instance 7 in host h (it stopped?)",
    );
    client.close();
  });
});
