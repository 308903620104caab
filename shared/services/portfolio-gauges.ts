import { circuitState, type CircuitPolicy } from '../domain/circuit-breaker.js';
import type { ExchangeHealth } from '../domain/exchange-health.js';
import type { KillSwitchStatus } from '../domain/kill-switch.js';
import type { Ledger } from '../domain/ledger.js';
import { money, ZERO, type Decimal } from '../domain/money.js';
import { periodLossPct } from '../domain/periods.js';

/** Kill switch status as a gauge: 0 ARMED, 1 COOLDOWN, 2 TRIPPED (alarm on ≥ 2). */
export const KILL_SWITCH_GAUGE: Readonly<Record<KillSwitchStatus, 0 | 1 | 2>> = { ARMED: 0, COOLDOWN: 1, TRIPPED: 2 };

/** The metrics run's gauges beyond the valuation: PnL by period (quote, decimal strings; % as numbers), orders, switches. */
export interface PortfolioGauges {
  readonly pnlDaily: string;
  readonly pnlDailyPct: number;
  readonly pnlWeekly: string;
  readonly pnlWeeklyPct: number;
  readonly pnlTotal: string;
  readonly pnlTotalPct: number;
  readonly pendingOrders: number;
  readonly killSwitchState: 0 | 1 | 2;
  readonly circuitBreakerOpen: 0 | 1;
  /** 1 when the breaker (re)opened within `sinceMs` before now (the previous metrics run). */
  readonly circuitBreakerTrips: 0 | 1;
  readonly exchangeConsecutiveErrors: number;
}

/** What the gauges are computed from: an upkept ledger (periods rolled to now), its equity, the switches. */
export interface GaugeInput {
  readonly ledger: Ledger;
  readonly equity: Decimal;
  readonly now: number;
  readonly killSwitch: KillSwitchStatus;
  readonly health?: ExchangeHealth;
  readonly policy: CircuitPolicy;
  readonly sinceMs: number;
}

/** The gauges at `now`. A period without a mark counts from the current equity (PnL 0). */
export function portfolioGauges(input: GaugeInput): PortfolioGauges {
  const { ledger, equity, now, health } = input;
  const change = (start: Decimal | undefined) => equity.sub(start ?? equity);
  const total = equity.sub(ledger.startingCash);
  const circuit = circuitState(health, now, input.policy);
  const reopened = circuit !== 'closed' && health?.openedAt !== undefined && now - health.openedAt < input.sinceMs;
  return {
    pnlDaily: money(change(ledger.day?.startEquity)),
    pnlDailyPct: ledger.day ? periodLossPct(ledger.day, equity, 'start').toNumber() : 0,
    pnlWeekly: money(change(ledger.week?.startEquity)),
    pnlWeeklyPct: ledger.week ? periodLossPct(ledger.week, equity, 'start').toNumber() : 0,
    pnlTotal: money(total),
    pnlTotalPct: ledger.startingCash.gt(ZERO) ? total.div(ledger.startingCash).mul(100).toNumber() : 0,
    pendingOrders: Object.keys(ledger.reservations).length,
    killSwitchState: KILL_SWITCH_GAUGE[input.killSwitch],
    circuitBreakerOpen: circuit === 'closed' ? 0 : 1,
    circuitBreakerTrips: reopened ? 1 : 0,
    exchangeConsecutiveErrors: health?.consecutiveFailures ?? 0,
  };
}
