import { writeFile } from 'node:fs/promises';
import { Decimal } from '../domain/money.js';
import { estimateCost, type CostEstimate } from '../cost/estimate.js';
import { inventoryOf, type CfnTemplate } from '../cost/inventory.js';
import { loadPrices } from '../cost/prices.js';
import { synthTemplate } from '../cost/synth.js';
import { numberOption } from './cli-args.js';
import { table, type CliContext } from './cli-context.js';
import type { CommandSpec } from './command-spec.js';

/** `--cadence`: 1m, 5m, 15m, 1h... as minutes. */
export function cadenceMinutes(text: string | undefined): number {
  const m = /^(\d+)(m|h)$/.exec(text ?? '1m');
  if (!m || Number(m[1]) <= 0) throw new Error(`--cadence must look like 1m, 5m or 1h, got ${text}`);
  return Number(m[1]) * (m[2] === 'h' ? 60 : 1);
}

/** The estimate as a table: service, item, quantity, unit price, USD/month (4 dp, so the column adds up to the total); then the total. */
export function renderCost(e: CostEstimate): string {
  const rows = e.lines.map((l) => [l.service, l.item, `${l.quantity} ${l.unit}`, `$${l.unitPrice}`, `$${new Decimal(l.monthly).toFixed(4)}`]);
  return `Stratus monthly AWS cost, ${e.workload.symbols} symbol(s) at ${e.workload.cadenceMinutes}m cadence, ${e.region} list prices as of ${e.pricesAsOf}\n`
    + table([['SERVICE', 'ITEM', 'QUANTITY', 'UNIT PRICE', 'USD/MONTH'], ...rows])
    + `TOTAL  $${Number(e.total).toFixed(2)} per month (exact sum of the lines: ${e.total})\n`;
}

/**
 * `stratus cost [--symbols N] [--cadence 1m] [--spot] [--region us-east-1] [--json [file]]`: synthesizes the stack with that
 * context, counts its resources and prices them with the region's list prices. `template` replaces the synth (tests).
 */
export async function costCommand(
  ctx: CliContext, values: { symbols?: string; cadence?: string; spot?: boolean; region?: string; json?: string },
  template: (context: Record<string, unknown>) => Promise<CfnTemplate> = synthTemplate,
): Promise<number> {
  const symbols = numberOption(values.symbols, '--symbols') ?? 5;
  if (!Number.isInteger(symbols) || symbols < 1) throw new Error(`--symbols must be a whole number ≥ 1, got ${values.symbols}`);
  const workload = { symbols, cadenceMinutes: cadenceMinutes(values.cadence) };
  const prices = await loadPrices(values.region ?? 'us-east-1');
  const estimate = estimateCost(inventoryOf(await template({ spot: values.spot === true })), workload, prices);
  if (values.json === undefined) ctx.out(renderCost(estimate));
  else if (values.json === '-') ctx.out(`${JSON.stringify(estimate, null, 2)}\n`);
  else { await writeFile(values.json, `${JSON.stringify(estimate, null, 2)}\n`); ctx.out(renderCost(estimate)); }
  return 0;
}

/** `stratus cost` as the CLI declares it. */
export const command: CommandSpec = {
  name: 'cost',
  summary: 'Monthly AWS cost of the stack as synthesized, line by line',
  usage: 'stratus cost [--symbols N] [--cadence 1m] [--spot] [--region us-east-1] [--json [FILE]]',
  options: {
    symbols: { type: 'string', value: 'N', description: 'Number of symbols traded (default 5)' },
    cadence: { type: 'string', value: '1m', description: 'Signal cadence: 1m, 5m, 1h… (default 1m)' },
    spot: { type: 'boolean', description: 'Price the market stream on Fargate Spot' },
    region: { type: 'string', value: 'us-east-1', description: 'Region whose list prices apply (shared/cost/prices-<region>.json)' },
    json: { type: 'string', value: '[FILE]', bare: '-', description: 'JSON to FILE (the text still printed), or alone to print JSON instead' },
  },
  details: 'Offline: synthesizes the stack, counts its resources and prices them at list prices.',
  run: (ctx, values) => costCommand(ctx, values as { symbols?: string; cadence?: string; spot?: boolean; region?: string; json?: string }),
};
