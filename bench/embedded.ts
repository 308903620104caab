/**
 * Embedded default throughput (issue 12): wall time, candles/s and the SDK requests by operation and table of one
 * `runEmbedded` replay of the shipped data (dynalite + fauxqs in-process, the deployed handlers).
 *
 * How to run (from the repository root):
 *   npx tsx bench/embedded.ts [--from 2021-05-19T00:00:00Z] [--to 2021-05-19T06:00:00Z] [--symbols BTC/USDT,ETH/USDT,SOL/USDT] [--json summary.json]
 * (no warm-up candles, as runEmbedded is given the window only; TRACE=N:K prints requests N+1..N+K in order)
 * CPU profile: node --cpu-prof --cpu-prof-dir /tmp/prof --import tsx bench/embedded.ts ...
 * Figures are printed, never asserted.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { readCandleDir, replayDataDir } from '../shared/local/candle-files.js';
import { runEmbedded } from '../shared/local/embedded.js';

const { values } = parseArgs({
  options: { from: { type: 'string', default: '2021-05-19T00:00:00Z' }, to: { type: 'string', default: '2021-05-19T06:00:00Z' }, symbols: { type: 'string', default: 'BTC/USDT,ETH/USDT,SOL/USDT' }, json: { type: 'string' } },
});
const symbols = values.symbols!.split(',');
const from = Date.parse(values.from!);
const to = Date.parse(values.to!);

const counts = new Map<string, number>();
const trace = process.env['TRACE']?.split(':').map(Number) as [number, number] | undefined;
let seen = 0;
type Send = (this: unknown, command: never, ...rest: unknown[]) => unknown;
const bases = new Set([DynamoDBClient, SQSClient, SNSClient].map((c) => Object.getPrototypeOf(c.prototype) as { send: Send }));
for (const base of bases) {
  const send = base.send;
  base.send = function counted(this: unknown, command: { constructor: { name: string }; input?: Record<string, unknown> }, ...rest: unknown[]) {
  const input = command.input ?? {};
  const table = (input['TableName'] ?? Object.keys((input['RequestItems'] as object | undefined) ?? {}).join('+') ?? input['QueueUrl'] ?? '') as string;
  const item = (input['Key'] ?? input['Item']) as Record<string, unknown> | undefined;
  const pk = item?.['pk'] ?? (input['ExpressionAttributeValues'] as Record<string, unknown> | undefined)?.[':pk'] ?? input['IndexName'] ?? '';
  const where = String(table || input['QueueUrl'] || input['TopicArn'] || '').replace(/^.*\//, '').replace(/^stratus-/, '');
  const key = `${command.constructor.name.replace(/Command$/, '')} ${where} ${String(pk).replace(/#.*$/, '')}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
  if (trace && ++seen > trace[0] && seen <= trace[0] + trace[1]) process.stderr.write(`#${seen} ${key}\n`);
  return send.call(this, command as never, ...rest);
} as Send;
}

const candles = await readCandleDir(replayDataDir(), symbols, '1m', { from, to });
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const summary = await runEmbedded({ candles, policy: { symbols } });
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
if (values.json) writeFileSync(values.json, `${JSON.stringify(summary, null, 2)}\n`);
const total = [...counts.values()].reduce((a, b) => a + b, 0);
const minutes = (to - from) / 60_000;
console.log(`replay ${summary.candlesReplayed} candles in ${wall.toFixed(1)} s (${(summary.candlesReplayed / wall).toFixed(0)} candles/s), CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
console.log(`intents ${summary.intents}, orders ${summary.orders.total}, fills ${summary.fills}, equity ${summary.equity}, runtime ${JSON.stringify(summary.runtime)}`);
console.log(`requests ${total} (${(total / minutes).toFixed(1)} per simulated minute)`);
for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(6)}  ${k}`);
