/**
 * fdf.block/Volume in both variants over one VolumeControl. Failures are
 * answered as the protocol's error (a zx.Status), never by closing the
 * connection: a refused Extend leaves the volume usable.
 */
import { block, blockBanjo } from '@fdf/bindings';
import type { Result } from '@fdf/fidl';
import { Status, StatusError } from '@fdf/zx';
import type { VolumeControl } from './volumeControl.js';

function statusOf(err: unknown): Status {
  return StatusError.is(err) ? err.status : Status.ERR_INTERNAL;
}

function attempt<T>(fn: () => T): Result<T, number> {
  try {
    return { $tag: 'response', response: fn() };
  } catch (err) {
    return { $tag: 'err', err: statusOf(err) };
  }
}

function asResult(status: Status): Result<void, number> {
  return status === Status.OK
    ? { $tag: 'response', response: undefined }
    : { $tag: 'err', err: status };
}

export function volumeServer(control: VolumeControl): block.VolumeServer {
  const settle = (
    change: Promise<void>,
    completer: { reply(): void; replyError(e: number): void; readonly pending: boolean },
  ): void => {
    change.then(
      () => {
        if (completer.pending) completer.reply();
      },
      (err: unknown) => {
        if (completer.pending) completer.replyError(statusOf(err));
      },
    );
  };
  return {
    querySlices: ({ startSlices }, completer) => {
      const result = attempt(() => control.querySlices(startSlices));
      if (result.$tag === 'err') completer.replyError(result.err);
      else completer.reply({ ranges: result.response });
    },
    getInfo: (completer) => {
      const result = attempt(() => control.getInfo());
      if (result.$tag === 'err') completer.replyError(result.err);
      else completer.reply(result.response);
    },
    extend: ({ offsetSlice, sliceCount }, completer) =>
      settle(control.extend(offsetSlice, sliceCount), completer),
    shrink: ({ offsetSlice, sliceCount }, completer) =>
      settle(control.shrink(offsetSlice, sliceCount), completer),
  };
}

export function volumeBanjoOps(): blockBanjo.VolumeBanjoOps<VolumeControl> {
  return {
    querySlices: (control, { startSlices }) =>
      attempt(() => ({ ranges: control.querySlices(startSlices) })),
    getInfo: (control) => attempt(() => control.getInfo()),
    extend: (control, { offsetSlice, sliceCount }) =>
      asResult(control.extendNow(offsetSlice, sliceCount)),
    shrink: (control, { offsetSlice, sliceCount }) =>
      asResult(control.shrinkNow(offsetSlice, sliceCount)),
  };
}
