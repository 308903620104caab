import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { lambdaDeps } from '../../shared/runtime/deps.js';
import { parseScheduled } from '../../shared/runtime/messages.js';
import { withObservability } from '../../shared/runtime/middleware.js';
import { logger, metrics } from '../../shared/runtime/observability.js';
import { measurePortfolio, type MetricsDeps } from '../../shared/services/measure-portfolio.js';

/** Scheduled every minute: equity, exposure, PnL and drawdown as EMF; trips the kill switch on drawdown. */
export function createMetricsHandler(deps: MetricsDeps) {
  return withObservability('metrics', async function measure(event: unknown) {
    parseScheduled(event, 'metrics');
    const s = await measurePortfolio(deps);
    metrics.addMetric('equity', MetricUnit.NoUnit, Number(s.equity));
    metrics.addMetric('realizedPnl', MetricUnit.NoUnit, Number(s.realizedPnl));
    metrics.addMetric('unrealizedPnl', MetricUnit.NoUnit, Number(s.unrealizedPnl));
    metrics.addMetric('exposurePct', MetricUnit.Percent, s.exposurePct);
    metrics.addMetric('drawdownPct', MetricUnit.Percent, s.drawdownPct);
    metrics.addMetric('openPositions', MetricUnit.Count, s.openPositions);
    metrics.addMetric('killSwitchArmed', MetricUnit.Count, s.killSwitch === 'ARMED' ? 1 : 0);
    if (s.heartbeatAgeSeconds !== undefined) metrics.addMetric('heartbeatAgeSeconds', MetricUnit.Seconds, s.heartbeatAgeSeconds);
    logger.info('portfolio', { ...s });
    return s;
  });
}

export const handler = createMetricsHandler(lambdaDeps());
