/**
 * Test fixture: a composite driver. It connects to the Echo of each of its
 * two parents by role and offers a workload that uses both.
 */
import { sample } from '@fdf/bindings';
import { DriverBase } from '../../../../index.js';

export class PairClientDriver extends DriverBase {
  start(): void {
    const filtered = this.incoming.connect(sample.Echo, { parent: 'filtered' });
    const direct = this.incoming.connect(sample.Echo, { parent: 'direct' });
    this.addWorkload('pair', async (params) => {
      const value = typeof params['value'] === 'string' ? params['value'] : 'pair';
      const [a, b] = await Promise.all([
        filtered.echoString({ value }),
        direct.echoString({ value }),
      ]);
      return {
        ops: 2,
        summary: `${a.value}|${b.value} via ${this.node.parents.map((p) => p.role).join('+')}`,
      };
    });
  }
}
