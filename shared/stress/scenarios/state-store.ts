import { StoreUnavailableError } from '../../adapters/errors.js';
import type { Exchange, StateStore } from '../../ports.js';
import type { Deps } from '../../runtime/deps.js';
import { booksBalance } from '../books.js';
import { crashWindow } from '../crash-data.js';
import { override, seeded } from '../faults.js';
import { observe, type Observation } from '../observe.js';
import { busyPolicy } from '../policies.js';
import { atLeast, checkSabotage, criterion, equals, type Scenario } from '../scenario.js';

const M5 = 300_000;
const FROM = Date.UTC(2025, 9, 10, 8);
const TO = Date.UTC(2025, 9, 10, 10);
/** 1 % of state-table requests throttled past the SDK's retries during `throttle`; every request fails during `outage`. */
export const STORE_FAULTS = { throttle: { from: FROM + 2 * M5, to: FROM + 10 * M5, rate: 0.01 }, outage: { from: FROM + 12 * M5, to: FROM + 16 * M5 } } as const;

/** What the scenario measures besides the pipeline's state. */
export interface StoreObservation extends Observation {
  readonly throttled: number;
  readonly failed: number;
  /** Venue placements by virtual time. */
  readonly placedAt: readonly number[];
  /** Intents the signal function sent (from its outputs). */
  readonly intentsSent: number;
}

const within = (t: number, w: { from: number; to: number }) => t >= w.from && t < w.to;

/** The state table throttles, then goes away for 20 minutes: nothing trades blind (fail closed), nothing is lost. */
export const stateStoreOutage: Scenario<StoreObservation> = {
  name: 'state-store',
  title: 'state store throttling (1 % of requests) then a 20-minute outage: fail closed, nothing lost, books balance',
  fast: false,
  sabotages: {},
  async observe(options) {
    checkSabotage(this, options);
    const { candles, warmup } = await crashWindow({ from: FROM, to: TO });
    const random = seeded(7);
    let throttled = 0;
    let failed = 0;
    const placedAt: number[] = [];
    const faultyState = (deps: Deps): StateStore => new Proxy(deps.state, {
      get(target, key) {
        const fn = Reflect.get(target, key) as unknown;
        if (typeof fn !== 'function') return fn;
        return async (...args: unknown[]) => {
          const now = deps.clock.now();
          const down = within(now, STORE_FAULTS.outage);
          if (down) { failed++; throw new StoreUnavailableError(`state ${String(key)}`, { cause: new Error('ResourceNotFound: stress outage') }); }
          if (within(now, STORE_FAULTS.throttle) && random() < STORE_FAULTS.throttle.rate) {
            throttled++;
            throw new StoreUnavailableError(`state ${String(key)}`, { cause: new Error('ProvisionedThroughputExceededException (stress)') });
          }
          return (fn as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const counted = (deps: Deps, inner: Exchange): Exchange => override(inner, {
      placeOrder: async (r) => { const out = await inner.placeOrder(r); placedAt.push(deps.clock.now()); return out; },
    });
    const o = await observe({
      candles, warmup, timeframe: '5m', policy: busyPolicy(),
      wrapDeps: (deps) => ({ ...deps, state: faultyState(deps), exchangeFor: (p, m) => counted(deps, deps.exchangeFor(p, m)) }),
    });
    const intentsSent = o.invocations.filter((i) => i.job === 'signal').reduce((n, i) => n + Number(i.out['intents'] ?? 0), 0);
    return { ...o, throttled, failed, placedAt, intentsSent };
  },
  judge(o) {
    const dl = o.summary.deadLetters;
    const orderIds = new Set(o.orders.map((x) => x.clientOrderId));
    const approved = o.decisions.filter((d) => d.approved && d.order).length;
    const afterOutage = o.orders.filter((x) => x.createdAt >= STORE_FAULTS.outage.to && x.status === 'FILLED').length;
    return [
      atLeast('requests throttled', o.throttled, 1),
      atLeast('requests failed during the outage', o.failed, 1),
      equals('orders placed while the state store is down', o.placedAt.filter((t) => within(t, STORE_FAULTS.outage)).length, 0),
      equals('fills booked while the state store is down', o.fills.filter((f) => within(f.time, STORE_FAULTS.outage)).length, 0),
      criterion('every intent sent decided or dead-lettered (nothing lost)', `decisions + signals DLQ = ${o.intentsSent}`, `${o.decisions.length} + ${dl.signals}`,
        o.decisions.length + dl.signals === o.intentsSent),
      criterion('one order per approved decision, each placed once', `${approved} orders, unique client ids`, `${o.orders.length} orders, ${orderIds.size} ids`,
        o.orders.length === approved && orderIds.size === o.orders.length),
      atLeast('trading resumes after the outage', afterOutage, 1),
      booksBalance(o),
    ];
  },
};
