/**
 * The three driver manifests against the framework's matcher: a board (the
 * README's example) loads with them, and as the nodes of a GPT + FVM +
 * zxcrypt disk appear, gpt binds the block device, fvm the FVM partition,
 * the board's composite claims the data volume and zxcrypt binds it; nothing
 * binds the nodes in between.
 */
import { fileURLToPath } from 'node:url';
import {
  CompositeAssembler,
  NodeTree,
  matchNode,
  parseBoardManifest,
  type Node,
} from '@fdf/framework';
import { describe, expect, it } from 'vitest';
import { formatFvm, loadFvm, volumeNodeName, volumeProperties } from '../../fvm/src/index.js';
import {
  BLOCK_BIND_PROTOCOL,
  partitionNodeName,
  partitionProperties,
  writeGpt,
} from '../../gpt/src/index.js';
import { TYPE_A, TYPE_B, instance } from '../../fvm/test/memoryDisk.js';
import { UNSEALED_NODE, unsealedProperties } from '../src/index.js';

const BOARD = `
name: block-zxcrypt
description: gpt, fvm and zxcrypt over a block device.
devices:
  - name: ramdisk-0
    type: ramdisk
    properties: { fuchsia.BIND_PROTOCOL: ${BLOCK_BIND_PROTOCOL} }
drivers:
  - { name: gpt, manifest: ../drivers/block/gpt }
  - { name: fvm, manifest: ../drivers/block/fvm }
  - { name: zxcrypt, manifest: ../drivers/block/zxcrypt }
composites:
  - name: data-zxcrypt
    parents:
      - name: volume
        bind: 'using fdf.block; fdf.block.partition_name == "data";'
        properties:
          fdf.block.zxcrypt: true
          fdf.zxcrypt.root_key: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
hosts:
  - { name: block, drivers: [gpt, fvm, zxcrypt] }
`;

describe('gpt, fvm and zxcrypt manifests on a board', () => {
  it('bind where the stack expects them, and nowhere else', async () => {
    const file = fileURLToPath(new URL('../../../../boards/block-zxcrypt.yaml', import.meta.url));
    const board = parseBoardManifest(BOARD, file);
    expect(board.drivers.map((d) => [d.name, d.manifest?.variants])).toEqual([
      ['gpt', ['driver', 'banjo']],
      ['fvm', ['driver', 'banjo']],
      ['zxcrypt', ['driver', 'banjo']],
    ]);
    const drivers = board.drivers.flatMap((d) =>
      d.manifest === undefined ? [] : [{ name: d.name, bind: d.manifest.bind }],
    );
    const tree = new NodeTree();
    const assembler = new CompositeAssembler(tree, board.composites);
    const bound = (node: Node): string => {
      const { outcome } = matchNode(node, drivers, { composites: assembler });
      if (outcome.kind === 'driver') return outcome.driver.name;
      return outcome.kind;
    };
    tree.add('root', 'sys');
    tree.add('root/sys', 'platform');
    const device = tree.add('root/sys/platform', 'ramdisk-0', board.devices[0]!.properties);
    expect(bound(device)).toBe('gpt');

    const gpt = writeGpt({
      blockSize: 512,
      blockCount: 32768,
      partitions: [
        { name: 'alpha', type: 'linux', blocks: 2048n },
        { name: 'fvm', type: 'fvm' },
      ],
    });
    const partitions = gpt.partitions.map((p) =>
      tree.add(device, partitionNodeName(p), partitionProperties(p)),
    );
    expect(partitions.map(bound)).toEqual(['none', 'fvm']);

    const size = 2 * 81920 + 8 * 65536;
    const bytes = new Uint8Array(size);
    bytes.set(formatFvm(size, 65536), 0);
    const fvm = await loadFvm((o, n) => bytes.slice(o, o + n), {
      write: (o, b) => bytes.set(b, o),
    });
    await fvm.allocateVolume('data', TYPE_A, instance(1), 2);
    await fvm.allocateVolume('blob', TYPE_B, instance(2), 1);
    const volumes = fvm
      .volumes()
      .map((v) => tree.add(partitions[1]!, volumeNodeName(v), volumeProperties(v)));
    // The data volume is claimed by the board's composite; nothing binds blob.
    expect(volumes.map(bound)).toEqual(['composite-parent', 'none']);

    const composite = tree.get(`${volumes[0]!.path}/data-zxcrypt`);
    expect(composite.isComposite).toBe(true);
    expect(bound(composite)).toBe('zxcrypt');
    // What zxcrypt reads its key from: the composite node carries the board's properties.
    expect(composite.propertyMap.get('fdf.zxcrypt.root_key')).toMatch(/^000102/);

    const node = { property: (key: string) => composite.propertyMap.get(key) };
    const unsealed = tree.add(composite, UNSEALED_NODE, unsealedProperties(node));
    expect(bound(unsealed)).toBe('none');
  });
});
