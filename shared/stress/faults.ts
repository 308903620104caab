import type { Deps } from '../runtime/deps.js';
import { mulberry32 } from '../domain/prng.js';

/** A deterministic pseudo-random stream in [0, 1) (mulberry32), so an injected fault pattern repeats run to run. */
export const seeded = mulberry32;

/** `target` with some methods replaced (the others bound to it): a port with a fault injected. */
export function override<T extends object>(target: T, methods: Partial<{ [K in keyof T]: T[K] }>): T {
  return new Proxy(target, {
    get(t, key, receiver) {
      if (key in methods) return (methods as Record<string | symbol, unknown>)[key];
      const v = Reflect.get(t, key, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
}

/** Sabotage: every reader of the kill switch sees it ARMED (a broken guard; the switch itself still trips). */
export function killSwitchIgnored(deps: Deps): Deps {
  const state = deps.state;
  return {
    ...deps,
    state: override(state, {
      getKillSwitch: async () => {
        const real = await state.getKillSwitch();
        return real && { ...real, value: { ...real.value, status: 'ARMED' as const } };
      },
    }),
  };
}

