import { lambdaDeps } from '../../shared/runtime/deps.js';
import { METRICS as M } from '../../shared/metrics-catalog.js';
import { emitMetric } from '../../shared/runtime/emit-metrics.js';
import { parseScheduled } from '../../shared/runtime/messages.js';
import { withObservability } from '../../shared/runtime/middleware.js';
import { logger } from '../../shared/runtime/observability.js';
import { manageOpenOrders, type ManageOrdersDeps } from '../../shared/services/manage-open-orders.js';
import { reconcileAccount, type ReconcileDeps } from '../../shared/services/reconcile-account.js';

/** Scheduled every few minutes: works open orders by policy (timeouts, partial fills), then exchange vs. ledger; alerts on drift. */
export function createReconcileHandler(deps: ReconcileDeps & ManageOrdersDeps) {
  return withObservability('reconcile', async function reconcile(event: unknown) {
    parseScheduled(event, 'reconcile');
    const managed = await manageOpenOrders(deps);
    const report = await reconcileAccount(deps);
    emitMetric(M.ordersReconciled, report.ordersUpdated);
    emitMetric(M.fillsBooked, report.fillsBooked);
    emitMetric(M.unknownOpenOrders, report.unknownOpenOrders.length);
    emitMetric(M.balanceDrifts, Object.keys(report.drift).length);
    emitMetric(M.ordersTimedOut, managed.canceled.length + managed.followUps.length);
    emitMetric(M.killSwitchTrips, report.killSwitchTripped ? 1 : 0);
    logger.info('reconcile', { ...report, managed });
    return { ...report, managed };
  });
}

export const handler = createReconcileHandler(lambdaDeps());
