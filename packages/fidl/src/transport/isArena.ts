import { Arena } from '@fdf/runtime';

const ARENA_PROTOTYPE: object = Arena.prototype;

/**
 * `x instanceof Arena` without the instanceof: TypeScript runners that keep
 * class names (tsx, esbuild keepNames) redefine the class's `name`, which
 * leaves the constructor in dictionary mode, and V8 then does not optimize
 * `instanceof` on it. Both walk x's prototype chain for Arena.prototype
 * (Arena defines no Symbol.hasInstance).
 */
export function isArena(x: unknown): x is Arena {
  // eslint-disable-next-line no-prototype-builtins -- a class prototype: isPrototypeOf is Object.prototype's
  return ARENA_PROTOTYPE.isPrototypeOf(x as object);
}
