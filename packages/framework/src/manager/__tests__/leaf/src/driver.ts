/** Test fixture: logs when it is asked to stop. */
import { DriverBase } from '../../../../index.js';

export class LeafDriver extends DriverBase {
  start(): void {}

  override prepareStop(): void {
    this.logger.info('prepareStop');
  }
}
