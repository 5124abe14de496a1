/**
 * fdf.block/Partition: who a partition is (type GUID, instance GUID, name),
 * served from what the driver read at start, in both variants.
 *
 * Shared by gpt and fvm.
 */
import { block, blockBanjo } from '@fdf/bindings';
import type { Result } from '@fdf/fidl';
import { Status } from '@fdf/zx';

export interface PartitionIdentity {
  /** 16 bytes, in the on-disk (mixed-endian) order. */
  readonly typeGuid: Uint8Array;
  readonly instanceGuid: Uint8Array;
  readonly name: string;
}

function guidOf(
  identity: PartitionIdentity,
  guidType: block.GuidType,
): Result<block.Partition_GetGuid_Response, number> {
  switch (guidType) {
    case block.GuidType.TYPE:
      return { $tag: 'response', response: { guid: { value: identity.typeGuid.slice() } } };
    case block.GuidType.INSTANCE:
      return { $tag: 'response', response: { guid: { value: identity.instanceGuid.slice() } } };
    default:
      return { $tag: 'err', err: Status.ERR_INVALID_ARGS };
  }
}

function nameOf(identity: PartitionIdentity): Result<block.Partition_GetName_Response, number> {
  return { $tag: 'response', response: { name: identity.name } };
}

export function partitionServer(identity: PartitionIdentity): block.PartitionServer {
  return {
    getGuid: ({ guidType }, completer) => {
      const result = guidOf(identity, guidType);
      if (result.$tag === 'err') completer.replyError(result.err);
      else completer.reply(result.response);
    },
    getName: (completer) => completer.reply({ name: identity.name }),
  };
}

export function partitionBanjoOps(): blockBanjo.PartitionBanjoOps<PartitionIdentity> {
  return {
    getGuid: (identity, { guidType }) => guidOf(identity, guidType),
    getName: (identity) => nameOf(identity),
  };
}
