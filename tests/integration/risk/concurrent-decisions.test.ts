import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intentIdFor, type Intent } from '../../../shared/domain/intent.js';
import { dec, sum } from '../../../shared/domain/money.js';
import { loadConfig } from '../../../shared/runtime/config.js';
import { buildDeps, type Deps } from '../../../shared/runtime/deps.js';
import { decideIntent } from '../../../shared/services/decide-intent.js';
import { HEARTBEAT_SOURCE } from '../../../shared/resources.js';
import { startPipelineEnv, type PipelineEnv } from '../../support/pipeline-env.js';

const T = Date.UTC(2021, 4, 19, 12, 0);
const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT', 'XRP/USDT', 'ADA/USDT', 'DOGE/USDT'];
const PRICES: Record<string, string> = {
  'BTC/USDT': '40000', 'ETH/USDT': '3000', 'SOL/USDT': '40', 'BNB/USDT': '400', 'XRP/USDT': '1.2', 'ADA/USDT': '1.8', 'DOGE/USDT': '0.4',
};

let env: PipelineEnv;
beforeAll(async () => {
  env = await startPipelineEnv(`cr${process.pid}`, T + 5_000);
}, 60_000);
afterAll(async () => env?.stop());

function entry(symbol: string, close: number): Intent {
  return {
    intentId: intentIdFor('momentum', symbol, 'buy', close), strategy: 'momentum', symbol, side: 'buy', kind: 'entry',
    candleCloseTime: close, referencePrice: PRICES[symbol]!, score: 9, reason: 'test', createdAt: close, policyHash: 'h', policyVersion: 1,
  };
}

async function seed(now: number) {
  for (const s of SYMBOLS) await env.deps.market.putTopOfBook({ symbol: s, bid: PRICES[s]!, ask: PRICES[s]!, time: now });
  await env.deps.market.putHeartbeat({ source: HEARTBEAT_SOURCE, time: now, lastCandle: {}, messages: 1, lagMs: 0 });
}

describe('concurrent risk decisions against dynalite', () => {
  it('never reserve past the exposure cap: seven symbols race, only what fits is approved', async () => {
    // Each entry stakes 2 % of 10 000; the cap of 7 % fits three (3 × ~200.2 = ~600.6 ≤ 700), never four.
    // Pacing off (it would otherwise space these entries 180 s apart): this test isolates the exposure cap.
    await env.deps.policies.write({
      symbols: SYMBOLS, risk: { stakePct: 2, maxPositionPct: 3, maxTotalExposurePct: 7, maxOpenPositions: 7 },
      pacing: { maxTradesPerDay: 100, maxTradesPerHour: 50, maxNewPositionsPerHour: 20, minSecondsBetweenTrades: 0, perSymbolCooldownSeconds: 0 },
    }, { by: 'test', at: T });
    await seed(env.clock.now());
    // One dependency set per invocation: separate SDK clients and policy caches, like separate Lambda containers.
    const containers: Deps[] = SYMBOLS.map(() => buildDeps(loadConfig(), { clock: env.clock }));
    const decisions = await Promise.all(SYMBOLS.map((s, i) => decideIntent(containers[i]!, entry(s, T))));

    const approved = decisions.filter((d) => d.approved);
    const ledger = (await env.deps.state.getLedger())!.value;
    const reserved = sum(Object.values(ledger.reservations).map((r) => r.notional));
    expect(approved).toHaveLength(3);
    expect(Object.keys(ledger.reservations).sort()).toEqual(approved.map((d) => d.order!.orderId).sort());
    expect(reserved.lte(dec('700'))).toBe(true);
    for (const d of decisions.filter((x) => !x.approved)) expect(d.reasons.map((r) => r.code)).toContain('MAX_TOTAL_EXPOSURE');
    // every decision was recorded once, and the ledger's version counts the writes that won
    expect(await env.deps.state.listDecisions()).toHaveLength(SYMBOLS.length);
  });

  it('a redelivered intent racing its own first delivery reserves once', async () => {
    const close = T + 60_000;
    env.clock.set(close + 5_000);
    await seed(env.clock.now());
    const before = (await env.deps.state.getLedger())!.value;
    const intent = entry('DOGE/USDT', close);
    const copies = Array.from({ length: 5 }, () => buildDeps(loadConfig(), { clock: env.clock }));
    const results = await Promise.all(copies.map((d) => decideIntent(d, intent)));
    const after = (await env.deps.state.getLedger())!.value;
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1); // everyone sees the one stored decision
    expect(Object.keys(after.reservations).length - Object.keys(before.reservations).length).toBeLessThanOrEqual(1);
  });
});
