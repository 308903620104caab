import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intentIdFor, type Intent } from '../../../shared/domain/intent.js';
import { tripKillSwitch } from '../../../shared/domain/kill-switch.js';
import { METRICS as M } from '../../../shared/metrics-catalog.js';
import type { Deps } from '../../../shared/runtime/deps.js';
import { evaluateSignals } from '../../../shared/services/evaluate-signals.js';
import { seedMarket, trendingCandles, type PipelineEnv } from '../../support/pipeline-env.js';
import { emittedBy, expectCatalogMetrics, pollInto, startMetricsEnv, valuesOf } from './emf.js';

const T = Date.UTC(2021, 4, 19, 12, 0, 0);
let env: PipelineEnv;
let deps: Deps;
let risk: (e: SQSEvent, c: Context) => Promise<unknown>;
let intent: Intent;

beforeAll(async () => {
  ({ env, deps } = await startMetricsEnv('risk', T + 5_000));
  await env.deps.policies.write({ symbols: ['BTC/USDT'] }, { by: 'test', at: T });
  await seedMarket(env, trendingCandles('BTC/USDT', T, 40, 40_000), '40000');
  intent = (await evaluateSignals(env.deps)).intents[0]!;
  risk = (await import('../../../functions/risk/handler.js')).createRiskHandler(deps) as never;
}, 60_000);
afterAll(async () => env?.stop());

describe('risk function metrics (EMF on stdout)', () => {
  it('counts an approval as decisionsApproved and times the venue lookup as exchangeLatencyMs by endpoint', async () => {
    const emitted = await emittedBy(() => pollInto(env, 'signals', risk));
    expectCatalogMetrics(emitted, 'risk', [M.decisionsApproved, M.exchangeLatencyMs]);
    expect(valuesOf(emitted, M.decisionsApproved)).toEqual([1]);
    expect(valuesOf(emitted, M.decisionsRejected)).toEqual([]);
    expect(valuesOf(emitted, M.exchangeLatencyMs, { endpoint: 'loadMarket' }).length).toBeGreaterThan(0);
  });

  it('counts a rejection as decisionsRejected, plus one datapoint per reason code with the reason dimension', async () => {
    await env.deps.state.putKillSwitch(tripKillSwitch(undefined, { reason: 'test', by: 'test', at: T }), 0);
    const again = intentIdFor(intent.strategy, intent.symbol, intent.side, intent.candleCloseTime + 60_000);
    await env.sqs.send(new SendMessageCommand({
      QueueUrl: env.provisioned.queues.signals.url, MessageBody: JSON.stringify({ ...intent, intentId: again }),
      MessageGroupId: intent.symbol, MessageDeduplicationId: again,
    }));
    const emitted = await emittedBy(() => pollInto(env, 'signals', risk));
    expectCatalogMetrics(emitted, 'risk', [M.decisionsRejected]);
    expect(valuesOf(emitted, M.decisionsRejected)).toEqual([1]);
    expect(valuesOf(emitted, M.decisionsRejected, { reason: 'KILL_SWITCH_NOT_ARMED' })).toEqual([1]);
    expect(valuesOf(emitted, M.decisionsApproved)).toEqual([]);
  });
});
