import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { lambdaDeps } from '../../shared/runtime/deps.js';
import { parseScheduled } from '../../shared/runtime/messages.js';
import { withObservability } from '../../shared/runtime/middleware.js';
import { logger, metrics } from '../../shared/runtime/observability.js';
import { manageOpenOrders, type ManageOrdersDeps } from '../../shared/services/manage-open-orders.js';
import { reconcileAccount, type ReconcileDeps } from '../../shared/services/reconcile-account.js';

/** Scheduled every few minutes: works open orders by policy (timeouts, partial fills), then exchange vs. ledger; alerts on drift. */
export function createReconcileHandler(deps: ReconcileDeps & ManageOrdersDeps) {
  return withObservability('reconcile', async function reconcile(event: unknown) {
    parseScheduled(event, 'reconcile');
    const managed = await manageOpenOrders(deps);
    const report = await reconcileAccount(deps);
    metrics.addMetric('ordersReconciled', MetricUnit.Count, report.ordersUpdated);
    metrics.addMetric('unknownOpenOrders', MetricUnit.Count, report.unknownOpenOrders.length);
    metrics.addMetric('balanceDrifts', MetricUnit.Count, Object.keys(report.drift).length);
    metrics.addMetric('ordersTimedOut', MetricUnit.Count, managed.canceled.length + managed.followUps.length);
    logger.info('reconcile', { ...report, managed });
    return { ...report, managed };
  });
}

export const handler = createReconcileHandler(lambdaDeps());
