/**
 * Crash injection for chaos tests: a proxy around a port (state store, exchange) that "kills the process"
 * at a chosen call boundary, and a seeded PRNG so every run can be replayed from its seed.
 */
import { mulberry32 } from '../../../shared/domain/prng.js';

/** Thrown at a crash point; the process is dead from here on. Not a StratusError, so nothing treats it as handled. */
export class Crash extends Error {
  override readonly name = 'Crash';
  constructor(readonly point: string) {
    super(`crashed ${point}`);
  }
}

/**
 * Crashes one invocation at its `at`-th call boundary (each proxied call has one before it starts and one
 * after it returns), or at the first boundary named `at` (e.g. "after exchange.placeOrder"). Once fired,
 * every later boundary throws too, as nothing runs in a dead process. No `at`: never crashes.
 */
export class CrashPlan {
  #passed = 0;
  fired: string | undefined;

  constructor(readonly at?: number | string) {}

  /** Passes one boundary, or crashes on it. */
  pass(point: string): void {
    if (this.fired !== undefined) throw new Crash(`${point} (after dying ${this.fired})`);
    if (this.#passed++ === this.at || point === this.at) {
      this.fired = point;
      throw new Crash(point);
    }
  }
}

/** `target` with each method call bracketed by plan boundaries named "before|after <name>.<method>". */
export function crashable<T extends object>(target: T, name: string, plan: CrashPlan): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const call = `${name}.${String(prop)}`;
        plan.pass(`before ${call}`);
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(t, args);
        plan.pass(`after ${call}`);
        return result;
      };
    },
  });
}

/** A seeded PRNG (mulberry32, shared/domain/prng.ts): uniform in [0, 1), the same sequence for the same seed. */
export const seededRandom = mulberry32;

/** Helpers over a PRNG for building scenarios. */
export class Dice {
  constructor(readonly random: () => number) {}
  chance(p: number): boolean {
    return this.random() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }
}
