import { DynamoOpsRecords } from '../../shared/adapters/dynamo-ops-records.js';
import type { Deps } from '../../shared/runtime/deps.js';
import { reportDeps } from './deps.js';
import { parseScheduled } from '../../shared/runtime/messages.js';
import { withObservability } from '../../shared/runtime/middleware.js';
import { logger } from '../../shared/runtime/observability.js';
import { buildDailyReport, DAY_MS } from '../../shared/services/daily-report.js';
import { renderDailyReport } from '../../shared/services/daily-report-text.js';
import type { OpsRecordStore } from '../../shared/services/ops-records.js';

/** Scheduled shortly after 00:00 UTC: builds the previous day's report and sends it on the alert topic (email, Slack). */
export function createReportHandler(deps: Pick<Deps, 'config' | 'clock' | 'state' | 'policies' | 'market' | 'alerts'>, ops: OpsRecordStore = new DynamoOpsRecords({ tableName: deps.config.tables.state })) {
  return withObservability('report', async function report(event: unknown) {
    const invocation = parseScheduled(event, 'report');
    const scheduled = Date.parse(invocation.scheduledTime); // 'manual' (an empty test event): the day before now
    const at = Number.isFinite(scheduled) ? scheduled : deps.clock.now();
    const day = new Date(Math.floor(at / DAY_MS) * DAY_MS - DAY_MS).toISOString().slice(0, 10);
    const r = await buildDailyReport({ ...deps, ops }, day);
    await deps.alerts.publish({
      severity: 'info', kind: 'DAILY_REPORT', key: day, title: `Stratus daily report ${day}: equity ${r.equity}, day ${r.dayPnl}`,
      message: renderDailyReport(r), details: { day, policyHash: r.policy.hash }, at: deps.clock.now(),
    });
    logger.info('daily report', { day, equity: r.equity, dayPnl: r.dayPnl, policyHash: r.policy.hash });
    return { day, equity: r.equity, dayPnl: r.dayPnl, cumulativePnl: r.cumulativePnl, trades: r.tradesClosed, alerts: r.alerts.total };
  });
}

/** The deployed report function. */
export const handler = createReportHandler(reportDeps());
