/**
 * What the Driver transport derives from a protocol descriptor once, and not
 * per message: per method the arena tag, the header fields and the compiled
 * payloads; per protocol the lookup by ordinal. Shared by every client and
 * server bound to the same descriptor.
 */
import type { MethodInfo } from '../methodInfo.js';
import type { AnyProtocol } from '../protocol.js';
import { DriverPayload } from './payload.js';

export class DriverMethod {
  readonly ordinal: bigint;
  readonly flexible: boolean;
  readonly twoWay: boolean;
  /** The name of an arena the bindings create for this method: `fdf.sample/Echo.Echo`. */
  readonly tag: string;
  /** The request payload (event payload for events); null for `()`. */
  readonly request: DriverPayload | null;
  /** What travels in the response body; null for none. */
  readonly response: DriverPayload | null;

  constructor(
    readonly protocol: DriverProtocol,
    readonly info: MethodInfo,
  ) {
    const proto = protocol.proto;
    this.ordinal = info.ordinal;
    this.flexible = !info.strict;
    this.twoWay = info.kind === 'two-way';
    this.tag = `${proto.name}.${info.fidlName}`;
    this.request = info.request === null ? null : new DriverPayload(proto, info.request);
    this.response = info.response === null ? null : new DriverPayload(proto, info.response);
  }
}

const plans = new WeakMap<AnyProtocol, DriverProtocol>();

export class DriverProtocol {
  readonly #byInfo = new Map<MethodInfo, DriverMethod>();

  private constructor(readonly proto: AnyProtocol) {}

  /** The plan of `proto`, built on first use. */
  static of(proto: AnyProtocol): DriverProtocol {
    let p = plans.get(proto);
    if (p === undefined) {
      p = new DriverProtocol(proto);
      plans.set(proto, p);
    }
    return p;
  }

  /** The compiled form of one of this protocol's methods. */
  method(info: MethodInfo): DriverMethod {
    let m = this.#byInfo.get(info);
    if (m === undefined) {
      m = new DriverMethod(this, info);
      this.#byInfo.set(info, m);
    }
    return m;
  }

  /** The method a server of this protocol handles for `ordinal`, or undefined. */
  byOrdinal(ordinal: bigint): DriverMethod | undefined {
    const info = this.proto.byOrdinal.get(ordinal);
    return info === undefined ? undefined : this.method(info);
  }
}
