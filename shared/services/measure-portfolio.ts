import { effectiveStatus, tripKillSwitch } from '../domain/kill-switch.js';
import { valuation, withPeak } from '../domain/ledger.js';
import { money } from '../domain/money.js';
import type { Alerts, Clock, MarketDataStore, PolicyStore, StateStore } from '../ports.js';
import { HEARTBEAT_SOURCE } from '../resources.js';
import { loadLedger, marksFor } from './portfolio.js';
import { alertPolicyRejection } from './policy-alerts.js';

/** Ports the metrics cycle needs. */
export interface MetricsDeps {
  readonly clock: Clock;
  readonly market: MarketDataStore;
  readonly policies: PolicyStore;
  readonly state: StateStore;
  readonly alerts: Alerts;
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
  readonly killSwitch: string;
  readonly heartbeatAgeSeconds?: number;
  readonly tripped: boolean;
}

/**
 * Marks the portfolio to market, raises the peak-equity watermark, and trips the kill switch
 * (with a critical alert) when drawdown from peak exceeds the policy's maxDrawdownPct.
 */
export async function measurePortfolio(deps: MetricsDeps): Promise<PortfolioSnapshot> {
  const now = deps.clock.now();
  const loaded = await deps.policies.load();
  const { policy } = loaded;
  let stored = await loadLedger(deps.state, policy, now);
  const marks = await marksFor(deps.market, stored.value);
  let v = valuation(stored.value, marks);
  for (let attempt = 0; attempt < 5 && v.equity.gt(stored.value.peakEquity); attempt++) {
    if (await deps.state.putLedger(withPeak(stored.value, v.equity, now), stored.version)) break;
    stored = await loadLedger(deps.state, policy, now);
    v = valuation(stored.value, await marksFor(deps.market, stored.value));
  }
  const ks = await deps.state.getKillSwitch();
  let status = effectiveStatus(ks?.value, now);
  let tripped = false;
  const maxDrawdownPct = policy.lossLimits.maxDrawdownPct;
  if (status === 'ARMED' && maxDrawdownPct !== null && v.drawdownPct.gt(maxDrawdownPct)) {
    const reason = `drawdown ${v.drawdownPct.toFixed(2)}% exceeds maxDrawdownPct ${maxDrawdownPct}%`;
    const current = ks?.value ?? { status: 'ARMED' as const, tripCount: 0, history: [] };
    tripped = await deps.state.putKillSwitch(tripKillSwitch(current, { reason, by: 'metrics', at: now }), ks?.version ?? 0);
    if (tripped) {
      status = 'TRIPPED';
      await deps.alerts.publish({
        severity: 'critical', kind: 'KILL_SWITCH_TRIPPED', at: now, title: 'Kill switch tripped: drawdown limit', message: reason,
        details: { equity: money(v.equity), peakEquity: money(stored.value.peakEquity), policyHash: loaded.hash },
      });
    }
  }
  await alertPolicyRejection(deps.alerts, loaded, now);
  const hb = await deps.market.getHeartbeat(HEARTBEAT_SOURCE);
  return {
    at: now, equity: money(v.equity), cash: money(stored.value.cash), realizedPnl: money(stored.value.realizedPnl),
    unrealizedPnl: money(v.unrealizedPnl), feesPaid: money(stored.value.feesPaid),
    exposurePct: v.exposurePct.toNumber(), drawdownPct: v.drawdownPct.toNumber(),
    openPositions: Object.keys(stored.value.positions).length, killSwitch: status, tripped,
    ...(hb ? { heartbeatAgeSeconds: Math.max(0, Math.round((now - hb.time) / 1000)) } : {}),
  };
}

