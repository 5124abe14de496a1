/**
 * Memoization of per-declaration closures that tolerates recursive types
 * (`struct S { next box<S>; }`): while a declaration is being built, a
 * reference to it gets a forwarder that looks the finished closure up on its
 * first call; every other reference gets the finished closure directly.
 */
export class CompileCache<F extends (...args: never[]) => unknown> {
  private readonly done = new Map<string, F>();
  private readonly building = new Set<string>();

  get(key: string, build: () => F): F {
    const hit = this.done.get(key);
    if (hit !== undefined) return hit;
    if (this.building.has(key)) {
      const done = this.done;
      const forward = ((...args: Parameters<F>) => (done.get(key) as F)(...args)) as unknown as F;
      return forward;
    }
    this.building.add(key);
    try {
      const fn = build();
      this.done.set(key, fn);
      return fn;
    } finally {
      this.building.delete(key);
    }
  }
}
