/**
 * Runs a driver in a real DriverHost in this thread, with a fake manager
 * link that records child nodes and logs (the ramdisk and block-core tests).
 * (@fdf/testing's harness does this too, but is not a dependency of the
 * block packages.)
 */
import {
  DriverHost,
  propertiesFromRecord,
  type DeviceInfo,
  type DriverClass,
  type DriverVariant,
  type IncomingRoute,
  type LogRecord,
  type NodeInfo,
} from '@fdf/framework';
import type { ChildNodeRequest } from '@fdf/framework';

export interface TestHost {
  readonly host: DriverHost;
  readonly children: (ChildNodeRequest & { path: string })[];
  readonly logs: LogRecord[];
  start(args: {
    instance: number;
    name: string;
    driver: DriverClass;
    variant?: DriverVariant;
    device?: DeviceInfo;
    properties?: Record<string, string | number | boolean>;
    incoming?: IncomingRoute[];
    nodePath?: string;
  }): Promise<void>;
}

export function testHost(name = 'block'): TestHost {
  const children: (ChildNodeRequest & { path: string })[] = [];
  const logs: LogRecord[] = [];
  const classes = new Map<number, DriverClass>();
  const parentPaths = new Map<number, string>();
  const host = new DriverHost(
    name,
    {
      addChild: (instance, request) => {
        const path = `${parentPaths.get(instance) ?? 'root'}/${request.name}`;
        children.push({ ...request, path });
        return Promise.resolve({
          name: request.name,
          path,
          properties: request.properties,
          offers: request.offers,
          parents: [{ role: 'default', path: parentPaths.get(instance) ?? 'root' }],
          composite: false,
        });
      },
      removeNode: (_instance, path) => {
        const i = children.findIndex((c) => c.path === path);
        if (i >= 0) children.splice(i, 1);
        return Promise.resolve();
      },
      connect: () => undefined,
      log: (record) => logs.push(record),
    },
    {
      loadClass: (info) => {
        const c = classes.get(info.instance);
        return c === undefined ? Promise.reject(new Error('no class')) : Promise.resolve(c);
      },
    },
  );
  return {
    host,
    children,
    logs,
    async start(args) {
      const path = args.nodePath ?? `root/sys/platform/${args.name}-0`;
      classes.set(args.instance, args.driver);
      parentPaths.set(args.instance, path);
      const incoming = args.incoming ?? [];
      const node: NodeInfo = {
        name: path.split('/').at(-1) ?? args.name,
        path,
        properties: propertiesFromRecord(args.properties ?? {}),
        offers: incoming.map((r) => r.offer),
        parents: [{ role: 'default', path: path.split('/').slice(0, -1).join('/') }],
        composite: false,
      };
      await host.startDriver({
        instance: args.instance,
        name: args.name,
        url: `fdf-ts:///${args.name}`,
        module: '(class given to the test host)',
        export: args.driver.name,
        variant: args.variant ?? 'driver',
        host: name,
        allowSyncCalls: false,
        node,
        incoming,
        ...(args.device === undefined ? {} : { device: args.device }),
      });
    },
  };
}
