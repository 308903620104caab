import { writeFile } from 'node:fs/promises';
import { dynamoDocumentClient } from '../adapters/aws-clients.js';
import { DynamoMarketStore } from '../adapters/dynamo-market-store.js';
import { DynamoOpsRecords } from '../adapters/dynamo-ops-records.js';
import { ENV } from '../resources.js';
import { buildDailyReport, DAY_MS, dayStartOf, type DailyReportDeps } from '../services/daily-report.js';
import { renderDailyReport } from '../services/daily-report-text.js';
import type { CliContext } from './cli-context.js';
import type { CommandSpec } from './command-spec.js';

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
  const today = Math.floor(ctx.clock.now() / DAY_MS) * DAY_MS;
  const day = values.day ?? new Date(today - DAY_MS).toISOString().slice(0, 10);
  let start: number;
  try { start = dayStartOf(day); } catch { throw new Error(`--day must be a calendar day as YYYY-MM-DD, got ${day}`); }
  if (start > today) throw new Error(`--day ${day} is in the future (today is ${new Date(today).toISOString().slice(0, 10)} UTC)`);
  const report = await buildDailyReport({ clock: ctx.clock, state: ctx.state(), policies: ctx.policies(), ...probes() }, day);
  if (report.fills === 0 && report.decisions.approved + report.decisions.rejected === 0 && report.alerts.total === 0) {
    ctx.err(`stratus report: no fills, decisions or alerts recorded on ${day}\n`);
  }
  if (values.json === undefined) ctx.out(renderDailyReport(report));
  else if (values.json === '-') ctx.out(`${JSON.stringify(report, null, 2)}\n`);
  else { await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`); ctx.out(renderDailyReport(report)); }
  return 0;
}

/** `stratus report` as the CLI declares it. */
export const command: CommandSpec = {
  name: 'report',
  summary: 'The daily report the 00:00 UTC schedule sends',
  usage: 'stratus report [--day YYYY-MM-DD] [--json [FILE]]',
  options: {
    day: { type: 'string', value: 'YYYY-MM-DD', description: 'The UTC day (default yesterday)' },
    json: { type: 'string', value: '[FILE]', bare: '-', description: 'JSON to FILE (the text still printed), or alone to print JSON instead' },
  },
  details: 'PnL, equity, drawdown, Sharpe, win rate, trades, rejections, kill switch, policy, positions, alerts.\n'
    + 'Needs POLICY_TABLE, STATE_TABLE, MARKET_TABLE and AWS credentials.',
  run: (ctx, values) => reportCommand(ctx, values as { day?: string; json?: string }),
};
