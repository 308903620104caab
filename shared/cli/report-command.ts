import { writeFile } from 'node:fs/promises';
import { dynamoDocumentClient } from '../adapters/aws-clients.js';
import { DynamoMarketStore } from '../adapters/dynamo-market-store.js';
import { DynamoOpsRecords } from '../adapters/dynamo-ops-records.js';
import { ENV } from '../resources.js';
import { buildDailyReport, DAY_MS, type DailyReportDeps } from '../services/daily-report.js';
import { renderDailyReport } from '../services/daily-report-text.js';
import type { CliContext } from './cli-context.js';

/** The report's reads the CLI context does not carry: the market table (day-end marks) and the ALERT# records. */
export type ReportProbes = Pick<DailyReportDeps, 'market' | 'ops'>;

function processProbes(env: NodeJS.ProcessEnv = process.env): ReportProbes {
  const named = (v: string) => { const t = env[v]; if (!t) throw new Error(`set ${v} to the deployed table name`); return t; };
  return {
    market: new DynamoMarketStore({ tableName: named(ENV.marketTable), client: dynamoDocumentClient() }),
    ops: new DynamoOpsRecords({ tableName: named(ENV.stateTable) }),
  };
}

/** `stratus report [--day YYYY-MM-DD] [--json [file]]`: the daily report the schedule sends (default: yesterday, UTC). */
export async function reportCommand(ctx: CliContext, values: { day?: string; json?: string }, probes: () => ReportProbes = () => processProbes()): Promise<number> {
  const day = values.day ?? new Date(Math.floor(ctx.clock.now() / DAY_MS) * DAY_MS - DAY_MS).toISOString().slice(0, 10);
  const report = await buildDailyReport({ clock: ctx.clock, state: ctx.state(), policies: ctx.policies(), ...probes() }, day);
  if (values.json === undefined) ctx.out(renderDailyReport(report));
  else if (values.json === '-') ctx.out(`${JSON.stringify(report, null, 2)}\n`);
  else { await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`); ctx.out(renderDailyReport(report)); }
  return 0;
}
