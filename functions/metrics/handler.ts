import { metricsDeps } from './deps.js';
import { METRICS as M } from '../../shared/metrics-catalog.js';
import { emitMetric } from '../../shared/runtime/emit-metrics.js';
import { parseScheduled } from '../../shared/runtime/messages.js';
import { withObservability } from '../../shared/runtime/middleware.js';
import { logger } from '../../shared/runtime/observability.js';
import { measurePortfolio, type MetricsDeps } from '../../shared/services/measure-portfolio.js';

/** Scheduled every minute: equity, exposure, PnL, drawdown and the switches as EMF; trips the kill switch on loss limits. */
export function createMetricsHandler(deps: MetricsDeps) {
  return withObservability('metrics', async function measure(event: unknown) {
    parseScheduled(event, 'metrics');
    // Critical alerts unresolved past their window are re-sent ESCALATED before anything here can fail.
    await deps.alerts.escalateDue(deps.clock.now()).catch((error: unknown) => logger.error('alert escalation sweep failed', { error }));
    const s = await measurePortfolio(deps);
    const g = s.gauges;
    emitMetric(M.equity, Number(s.equity));
    emitMetric(M.realizedPnl, Number(s.realizedPnl));
    emitMetric(M.unrealizedPnl, Number(s.unrealizedPnl));
    emitMetric(M.exposurePct, s.exposurePct);
    emitMetric(M.drawdownPct, s.drawdownPct);
    emitMetric(M.openPositions, s.openPositions);
    emitMetric(M.pendingOrders, g.pendingOrders);
    emitMetric(M.pnlDaily, Number(g.pnlDaily));
    emitMetric(M.pnlWeekly, Number(g.pnlWeekly));
    emitMetric(M.pnlTotal, Number(g.pnlTotal));
    emitMetric(M.pnlDailyPct, g.pnlDailyPct);
    emitMetric(M.pnlWeeklyPct, g.pnlWeeklyPct);
    emitMetric(M.pnlTotalPct, g.pnlTotalPct);
    emitMetric(M.killSwitchState, g.killSwitchState);
    emitMetric(M.killSwitchTrips, s.tripped ? 1 : 0);
    emitMetric(M.circuitBreakerOpen, g.circuitBreakerOpen);
    emitMetric(M.circuitBreakerTrips, g.circuitBreakerTrips);
    emitMetric(M.exchangeConsecutiveErrors, g.exchangeConsecutiveErrors);
    if (s.heartbeatAgeSeconds !== undefined) emitMetric(M.heartbeatAgeSeconds, s.heartbeatAgeSeconds);
    logger.info('portfolio', { ...s });
    return s;
  });
}

export const handler = createMetricsHandler(metricsDeps());
