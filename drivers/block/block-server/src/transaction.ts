/**
 * A transaction: what one FIFO response answers. An ungrouped request is a
 * transaction of one; a group collects requests tagged GROUP_ITEM with the
 * same group id until one also carries GROUP_LAST. Either way the response
 * goes out once, when the transaction is closed (its last request arrived)
 * and every device op it started has completed, with the first error any of
 * them met and the number of requests it covered.
 */
import { Status } from '@fdf/zx';

export class Transaction {
  /** The reqid the response carries: the request's, or the GROUP_LAST request's. */
  reqid = 0;
  /** The group id the response carries (0 for an ungrouped request). */
  group = 0;
  /** The first failure, or OK. */
  status: number = Status.OK;
  /** Device ops started and not yet completed. */
  pending = 0;
  /** Requests covered by the response. */
  count = 0;
  /** The last request arrived: the response may go once nothing is pending. */
  closed = false;
  /** A group that received at least one request and has not responded yet. */
  open = false;

  /** Records `status` unless an earlier failure already did: the first error wins. */
  fail(status: number): void {
    if (status !== Status.OK && this.status === Status.OK) this.status = status;
  }

  get done(): boolean {
    return this.closed && this.pending === 0;
  }

  reset(): void {
    this.reqid = 0;
    this.group = 0;
    this.status = Status.OK;
    this.pending = 0;
    this.count = 0;
    this.closed = false;
    this.open = false;
  }
}

/**
 * Spare transactions for ungrouped requests, so a busy session allocates
 * none per request once warm.
 */
export class TransactionPool {
  readonly #free: Transaction[] = [];

  take(): Transaction {
    return this.#free.pop() ?? new Transaction();
  }

  give(txn: Transaction): void {
    txn.reset();
    this.#free.push(txn);
  }
}
