import { EXCHANGE_ERROR, ExchangeApiError } from '../../adapters/ccxt-errors.js';
import type { Exchange } from '../../ports.js';
import type { Deps } from '../../runtime/deps.js';
import { resetKillSwitchNow } from '../../services/trip-kill-switch.js';
import { booksBalance } from '../books.js';
import { crashWindow } from '../crash-data.js';
import { override } from '../faults.js';
import { observe, type Observation } from '../observe.js';
import { busyPolicy } from '../policies.js';
import { atLeast, checkSabotage, criterion, equals, type Scenario } from '../scenario.js';

const M5 = 300_000;
const FROM = Date.UTC(2025, 9, 10, 8);
const TO = Date.UTC(2025, 9, 10, 10, 30);
/** The venue answers every request with 503 from `from` to `to` (virtual time); markets stay cached. */
export const OUTAGE = { from: FROM + 6 * M5, to: FROM + 12 * M5 } as const;
/** The operator re-arms the kill switch (tripped by the error burst) 30 minutes after the venue is back. */
export const RESET_AT = OUTAGE.to + 6 * M5;

/** What the outage measures besides the pipeline's state: requests the venue refused, placements per client order id. */
export interface OutageObservation extends Observation {
  readonly refused: number;
  readonly placements: Readonly<Record<string, number>>;
}

const down = (deps: Pick<Deps, 'clock'>) => deps.clock.now() >= OUTAGE.from && deps.clock.now() < OUTAGE.to;
const unavailable = () => new ExchangeApiError(EXCHANGE_ERROR.unavailable, 'stress: exchange outage (503 Service Unavailable)', true);

/** The exchange goes down mid-session and comes back: no duplicate order, nothing half-booked, trading resumes. */
export const exchangeOutage: Scenario<OutageObservation> = {
  name: 'exchange-outage',
  title: 'exchange outage and recovery: 30 minutes of 503 on every request, then back',
  fast: false,
  sabotages: {},
  async observe(options) {
    checkSabotage(this, options);
    const { candles, warmup } = await crashWindow({ from: FROM, to: TO });
    let refused = 0;
    const placements: Record<string, number> = {};
    const faulty = (deps: Deps, inner: Exchange): Exchange => {
      const guard = <A extends unknown[], R>(fn: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
        if (down(deps)) { refused++; throw unavailable(); }
        return fn(...a);
      };
      return override(inner, {
        placeOrder: guard(async (r) => { const out = await inner.placeOrder(r); placements[r.clientOrderId] = (placements[r.clientOrderId] ?? 0) + 1; return out; }),
        fetchOrderByClientId: guard((s, id) => inner.fetchOrderByClientId(s, id)),
        fetchOpenOrders: guard((s) => inner.fetchOpenOrders(s)),
        cancelOrder: guard((s, id) => inner.cancelOrder(s, id)),
        fetchBalances: guard(() => inner.fetchBalances()),
      });
    };
    const o = await observe({
      candles, warmup, timeframe: '5m', policy: busyPolicy(),
      wrapDeps: (deps) => ({ ...deps, exchangeFor: (policy, mode) => faulty(deps, deps.exchangeFor(policy, mode)) }),
      beforeStep: async (at, deps) => {
        if (at === RESET_AT) await resetKillSwitchNow(deps, { by: 'stress-operator', reason: 'stress: exchange back' });
      },
    });
    return { ...o, refused, placements };
  },
  judge(o) {
    const during = (t: number) => t >= OUTAGE.from && t < OUTAGE.to;
    const twice = Object.values(o.placements).filter((n) => n > 1).length;
    const open = o.orders.filter((x) => ['NEW', 'SUBMITTING', 'OPEN', 'PARTIALLY_FILLED'].includes(x.status));
    const met = o.orders.filter((x) => during(x.createdAt));
    const trip = o.killSwitch?.history.find((e) => e.event === 'TRIP');
    const refusedEntries = o.decisions.filter((d) => d.kind === 'entry' && during(d.decidedAt) && !d.approved).length;
    const dl = o.summary.deadLetters;
    return [
      atLeast('requests refused by the venue during the outage', o.refused, 1),
      criterion('the error burst trips the kill switch', 'TRIP by metrics on exchange errors', trip ? `${trip.by}: ${trip.reason ?? ''}` : 'never tripped',
        !!trip && trip.by === 'metrics' && /exchange errors/.test(trip.reason ?? '')),
      atLeast('entries refused during the outage (breaker / switch)', refusedEntries, 1),
      equals('fills booked during the outage', o.fills.filter((f) => during(f.time)).length, 0),
      equals('client order ids placed more than once', twice, 0),
      criterion('orders sent into the outage resolved, none filled', 'all final, 0 filled', met.map((x) => x.status).join(', ') || 'none',
        met.length > 0 && met.every((x) => ['EXPIRED', 'CANCELED', 'REJECTED'].includes(x.status))),
      equals('orders left unresolved at the end', open.length, 0),
      criterion('dead letters only for orders that met the outage', `signals 0, orders ≤ ${met.length}`, `signals ${dl.signals}, orders ${dl.orders}`, dl.signals === 0 && dl.orders <= met.length),
      atLeast('entries fill again after the reset', o.orders.filter((x) => x.kind === 'entry' && x.createdAt >= RESET_AT && x.status === 'FILLED').length, 1),
      booksBalance(o),
    ];
  },
};
