/**
 * What the fake device's memory holds before anything is written: block `b`
 * starts with `b` as a little-endian uint16, and byte `i >= 2` is
 * `(b * 131 + i * 7) & 0xff`. A reader can check a block it got without
 * knowing where it came from (it decodes `b` and checks the rest), which is
 * how the sample client proves the device wrote into the client's VMO.
 */
export function fillBlock(into: Uint8Array, block: number): void {
  into[0] = block & 0xff;
  into[1] = (block >> 8) & 0xff;
  for (let i = 2; i < into.length; i++) into[i] = (block * 131 + i * 7) & 0xff;
}
