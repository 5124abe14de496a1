/**
 * Service offers: the names under which a driver serves a protocol and a node
 * offers it to the drivers below. A protocol `fdf.sample/Echo` served as
 * instance `default` is offered as `fdf.sample.Echo/default`, the form the
 * board manifests and `Node.offers` use (`<service>/<instance>`).
 */
import { Status, StatusError } from '@fdf/zx';

const INSTANCE = /^[A-Za-z0-9_.-]+$/;

export const DEFAULT_INSTANCE = 'default';

/** `fdf.sample/Echo` -> `fdf.sample.Echo`. */
export function serviceName(protocolName: string): string {
  return protocolName.replace('/', '.');
}

/** `fdf.sample/Echo`, `default` -> `fdf.sample.Echo/default`. */
export function serviceOffer(protocolName: string, instance: string = DEFAULT_INSTANCE): string {
  if (!INSTANCE.test(instance)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `service instance '${instance}' of ${protocolName} is invalid; use letters, digits, '_', '-' or '.'`,
    );
  }
  return `${serviceName(protocolName)}/${instance}`;
}
