import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { lambdaDeps } from '../../shared/runtime/deps.js';
import { parseScheduled } from '../../shared/runtime/messages.js';
import { withObservability } from '../../shared/runtime/middleware.js';
import { logger, metrics } from '../../shared/runtime/observability.js';
import { reconcileAccount, type ReconcileDeps } from '../../shared/services/reconcile-account.js';

/** Scheduled every few minutes: exchange orders and balances vs. the ledger; alerts on drift. */
export function createReconcileHandler(deps: ReconcileDeps) {
  return withObservability('reconcile', async function reconcile(event: unknown) {
    parseScheduled(event, 'reconcile');
    const report = await reconcileAccount(deps);
    metrics.addMetric('ordersReconciled', MetricUnit.Count, report.ordersUpdated);
    metrics.addMetric('unknownOpenOrders', MetricUnit.Count, report.unknownOpenOrders.length);
    metrics.addMetric('balanceDrifts', MetricUnit.Count, Object.keys(report.drift).length);
    logger.info('reconcile', { ...report });
    return report;
  });
}

export const handler = createReconcileHandler(lambdaDeps());
