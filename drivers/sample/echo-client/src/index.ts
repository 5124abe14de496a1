export { EchoClientDriver } from './driver.js';
export { echoWorkload, fillPayload } from './echoWorkload.js';
export { dmaWorkload, patternBlock } from './dmaWorkload.js';
export {
  fidlEchoPort,
  banjoEchoPort,
  fidlBlockPort,
  banjoBlockPort,
  type EchoPort,
  type BlockPort,
} from './ports.js';
export { fnv1a, hex32, FNV_OFFSET } from './checksum.js';
