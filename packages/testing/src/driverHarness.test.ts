import { sample } from '@fdf/bindings';
import { DriverBase } from '@fdf/framework';
import { Status, StatusError } from '@fdf/zx';
import { describe, expect, it } from 'vitest';
import { startDriverForTest } from './driverHarness.js';
import { fakeService } from './driverHarnessParents.js';

const upper: sample.EchoServer = {
  echo: ({ data }, completer) => completer.reply({ data }),
  echoString: ({ value }, completer) => completer.reply({ value: value.toUpperCase() }),
  send: () => {},
  watchCount: (completer) => completer.reply({ received: 0n }),
};

/** Joins the strings of two parents and serves the result; logs its stop sequence. */
class JoinDriver extends DriverBase {
  steps: string[] = [];

  async start(): Promise<void> {
    const left = this.incoming.connect(sample.Echo, { parent: 'left' });
    const right = this.incoming.connect(sample.Echo, { parent: 'right' });
    const extra = this.createDispatcher({ name: 'extra' });
    extra.post(() => this.counters.add('extra.ran'));
    const offer = this.outgoing.addService(sample.Echo, {
      ...upper,
      echoString: async ({ value }, completer) => {
        const [a, b] = await Promise.all([left.echoString({ value }), right.echoString({ value })]);
        completer.reply({ value: `${a.value}+${b.value}` });
      },
    });
    await this.node.addChild({
      name: 'joined',
      properties: { 'test.kind': 'join' },
      offers: [offer],
    });
  }

  override prepareStop(): void {
    this.steps.push(`prepareStop on ${this.dispatcher.state}`);
  }

  override stop(): void {
    this.steps.push(`stop with dispatchers ${this.dispatcher.state}`);
  }
}

class FailingDriver extends DriverBase {
  start(): void {
    throw new StatusError(Status.ERR_NOT_FOUND, 'no hardware here');
  }
}

class OffersNothingDriver extends DriverBase {
  async start(): Promise<void> {
    await this.node.addChild({ name: 'child', offers: ['fdf.sample.Echo/default'] });
  }
}

describe('startDriverForTest', () => {
  it('starts a composite driver against fake parents and serves its child', async () => {
    const h = await startDriverForTest<JoinDriver>({
      driver: JoinDriver,
      name: 'join',
      incoming: [
        fakeService(sample.Echo, upper, { parent: 'left' }),
        fakeService(
          sample.Echo,
          { ...upper, echoString: ({ value }, c) => c.reply({ value }) },
          { parent: 'right' },
        ),
      ],
    });
    expect(h.node.composite).toBe(true);
    expect(h.node.parents.map((p) => p.role)).toEqual(['left', 'right']);
    expect(h.children).toEqual([
      {
        name: 'joined',
        path: 'root/harness/dut/joined',
        properties: [{ key: 'test.kind', value: 'join' }],
        offers: ['fdf.sample.Echo/default'],
      },
    ]);
    for (const transport of ['driver', 'channel'] as const) {
      const echo = h.connect(sample.Echo, { child: 'joined', transport });
      expect(await echo.echoString({ value: 'ab' })).toEqual({ value: 'AB+ab' });
    }
    expect(h.counters()).toEqual({ 'extra.ran': 1 });
    expect(h.dispatchers().map((d) => d.name)).toEqual(['default@root/harness/dut', 'extra']);
    expect(h.dispatchers()[0]?.lines[0]).toBe('---- Runtime Dispatcher Dump Begin ----');
    expect(h.report().outgoing[0]).toMatchObject({
      offer: 'fdf.sample.Echo/default',
      connections: { driver: 1, channel: 1, banjo: 0 },
    });

    expect(await h.stop()).toEqual(['prepareStop', 'dispatchers-shut-down', 'stop']);
    expect(h.driver.steps).toEqual(['prepareStop on running', 'stop with dispatchers shutdown']);
  });

  it('says what a child does not offer, and which children exist', async () => {
    const h = await startDriverForTest({
      driver: JoinDriver,
      incoming: [
        fakeService(sample.Echo, upper, { parent: 'left' }),
        fakeService(sample.Echo, upper, { parent: 'right' }),
      ],
    });
    expect(() => h.connect(sample.Ring, { child: 'joined' })).toThrow(
      "child 'joined' does not offer 'fdf.sample.Ring/default'; it offers: fdf.sample.Echo/default",
    );
    expect(() => h.connect(sample.Echo, { child: 'other' })).toThrow(
      "the driver added no child 'other'; it added: joined",
    );
    await h.stop();
  });

  it('rejects with the start error, and leaves the runtime clean', async () => {
    await expect(startDriverForTest({ driver: FailingDriver })).rejects.toThrow(
      'ZX_ERR_NOT_FOUND: driver FailingDriver failed to start on root/harness/dut: no hardware here',
    );
  });

  it('refuses a child that offers what the driver does not serve', async () => {
    await expect(startDriverForTest({ driver: OffersNothingDriver })).rejects.toThrow(
      /child node 'child' offers 'fdf.sample.Echo\/default', which the driver's outgoing directory does not serve \(it serves: \(none\)\)/,
    );
  });

  it('says when a parent does not offer what the driver connects to', async () => {
    await expect(startDriverForTest({ driver: JoinDriver, incoming: [] })).rejects.toThrow(
      /parent 'left' does not offer 'fdf.sample.Echo\/default'; offered: \(none\)/,
    );
  });
});
