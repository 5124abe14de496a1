/** Test fixture: adds a node `leaf`; its `remove-leaf` workload removes it again. */
import { DriverBase, type ChildNode } from '../../../../index.js';

export class TogglerDriver extends DriverBase {
  #leaf: ChildNode | undefined;

  async start(): Promise<void> {
    this.#leaf = await this.node.addChild({ name: 'leaf', properties: { 'test.kind': 'leaf' } });
    this.addWorkload('remove-leaf', async () => {
      await this.#leaf?.remove();
      return { ops: 1, summary: `children left: ${this.node.children.length}` };
    });
  }
}
