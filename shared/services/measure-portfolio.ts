import { StateUnreadableError } from '../domain/errors.js';
import type { ExchangeHealth } from '../domain/exchange-health.js';
import { withHighWaterMarks } from '../domain/exits.js';
import { effectiveStatus, lastResetAt } from '../domain/kill-switch.js';
import { killSwitchTrigger, type KillSwitchTrip } from '../domain/kill-switch-triggers.js';
import { valuation, withLocks, withPeak, type Ledger, type Valuation } from '../domain/ledger.js';
import { money, type Decimal } from '../domain/money.js';
import { rollPeriods } from '../domain/periods.js';
import type { Policy } from '../domain/policy.js';
import { deriveLocks } from '../domain/protections.js';
import type { MarketDataStore, StateStore } from '../ports.js';
import { HEARTBEAT_SOURCE, SCHEDULES } from '../resources.js';
import { loadLedger, marksFor } from './portfolio.js';
import { alertPolicyRejection } from './policy-alerts.js';
import { tripKillSwitchNow, type KillSwitchDeps } from './trip-kill-switch.js';
import { portfolioGauges, type PortfolioGauges } from './portfolio-gauges.js';

/** Ports the metrics cycle needs (exchangeFor: to cancel open entries when the kill switch trips). */
export interface MetricsDeps extends KillSwitchDeps {
  readonly market: MarketDataStore;
}

/** Portfolio figures at one moment; money as decimal strings, percentages as numbers. */
export interface PortfolioSnapshot {
  readonly at: number;
  readonly equity: string;
  readonly cash: string;
  readonly realizedPnl: string;
  readonly unrealizedPnl: string;
  readonly feesPaid: string;
  readonly exposurePct: number;
  readonly drawdownPct: number;
  readonly openPositions: number;
  /** Protection locks in force after this cycle. */
  readonly activeLocks: number;
  readonly killSwitch: string;
  readonly heartbeatAgeSeconds?: number;
  /** True when this cycle tripped the kill switch; trip says why. */
  readonly tripped: boolean;
  readonly trip?: KillSwitchTrip;
  /** PnL by period, pending orders, kill switch and circuit breaker as metric gauges. */
  readonly gauges: PortfolioGauges;
}

const ATTEMPTS = 5;

/**
 * The metrics cycle: marks the portfolio to market and, in one conditional ledger write, rolls the
 * day/week loss-limit periods, raises peak equity and each position's high-water mark, and stores the
 * protection locks in force. Then, unless the kill switch is already TRIPPED, trips it on the first
 * automatic trigger that applies (kill-switch-triggers.ts), alerting and cancelling open entries.
 */
export async function measurePortfolio(deps: MetricsDeps): Promise<PortfolioSnapshot> {
  const now = deps.clock.now();
  const loaded = await deps.policies.load();
  const { policy } = loaded;
  const { ledger, v } = await markCycle(deps, policy, now);
  const ks = await deps.state.getKillSwitch();
  let status = effectiveStatus(ks?.value, now);
  let trip: KillSwitchTrip | undefined;
  let tripped = false;
  // One exchange-health read serves the triggers and the gauges; re-read only after a trip's cancel sweep.
  let health: Promise<ExchangeHealth | undefined> | undefined;
  const healthNow = () => (health ??= readHealth(deps.state));
  if (status !== 'TRIPPED') {
    const known = await healthNow();
    trip = killSwitchTrigger({
      ledger, equity: v.equity, drawdownPct: v.drawdownPct, policy, now, resetAt: lastResetAt(ks?.value), ...(known ? { health: known } : {}),
    });
    if (trip) {
      const out = await tripKillSwitchNow(deps, {
        reason: trip.reason, by: 'metrics', code: trip.code,
        details: { equity: money(v.equity), peakEquity: money(ledger.peakEquity), drawdownPct: v.drawdownPct.toFixed(4) },
      });
      tripped = out.tripped;
      status = effectiveStatus(out.state, now);
      health = undefined;
    }
  } else if (ks && policy.killSwitch.cancelOpenEntriesOnTrip) {
    // Tripped by hand (stratus kill has no exchange access) or a sweep cut short: finish cancelling open entries.
    // The switch is already TRIPPED, so this writes nothing to it and alerts nothing new.
    await tripKillSwitchNow(deps, { reason: ks.value.reason ?? 'kill switch tripped', by: ks.value.changedBy ?? 'operator' }, ks);
  }
  await alertPolicyRejection(deps.alerts, loaded, now);
  const hb = await deps.market.getHeartbeat(HEARTBEAT_SOURCE);
  return {
    at: now, equity: money(v.equity), cash: money(ledger.cash), realizedPnl: money(ledger.realizedPnl),
    unrealizedPnl: money(v.unrealizedPnl), feesPaid: money(ledger.feesPaid),
    exposurePct: v.exposurePct.toNumber(), drawdownPct: v.drawdownPct.toNumber(),
    openPositions: Object.keys(ledger.positions).length, activeLocks: (ledger.locks ?? []).length,
    killSwitch: status, tripped, ...(trip ? { trip } : {}),
    gauges: portfolioGauges({ ledger, equity: v.equity, now, killSwitch: status, health: await healthNow(), policy, sinceMs: SCHEDULES.metrics.rateMinutes * 60_000 }),
    ...(hb ? { heartbeatAgeSeconds: Math.max(0, Math.round((now - hb.time) / 1000)) } : {}),
  };
}

/**
 * Marks the ledger and writes its upkeep (upkeep()) with one conditional write, retried on conflict.
 * Returns the upkept ledger and its valuation even when every write lost its race, so the kill switch
 * triggers still see this cycle's figures.
 */
async function markCycle(deps: MetricsDeps, policy: Policy, now: number): Promise<{ ledger: Ledger; v: Valuation }> {
  let latest: { ledger: Ledger; v: Valuation } | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const stored = await loadLedger(deps.state, policy, now);
    const marks = await marksFor(deps.market, stored.value);
    const equity = valuation(stored.value, marks).equity;
    const ledger = upkeep(stored.value, equity, marks, policy, now);
    latest = { ledger, v: valuation(ledger, marks) };
    if (ledger === stored.value || (await deps.state.putLedger(ledger, stored.version))) return latest;
  }
  return latest!;
}

/** Periods rolled, peak raised, high-water marks raised and locks refreshed at `now`; the same object when nothing changes. */
function upkeep(ledger: Ledger, equity: Decimal, marks: Readonly<Record<string, Decimal>>, policy: Policy, now: number): Ledger {
  const marked = withHighWaterMarks(withPeak(rollPeriods(ledger, equity, now), equity, now), marks, now);
  return withLocks(marked, deriveLocks(marked, policy, now), now);
}

/** The exchange-health item; an unreadable one counts as absent, so it cannot stop the loss-limit triggers. */
async function readHealth(state: StateStore): Promise<ExchangeHealth | undefined> {
  try {
    return (await state.getExchangeHealth())?.value;
  } catch (error) {
    if (error instanceof StateUnreadableError) return undefined;
    throw error;
  }
}
