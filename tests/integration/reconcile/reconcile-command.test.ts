/**
 * `stratus reconcile` end to end: deps built from the functions' environment (here the emulators'
 * tables, queues and topic), one reconciliation of the default PAPER venue, the report printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processContext, type CliContext } from '../../../shared/cli/cli-context.js';
import { runCli } from '../../../shared/cli/run-cli.js';
import { clientOrderIdFor, orderIdFor, type OrderRequest } from '../../../shared/domain/order.js';
import { defaultPolicy } from '../../../shared/domain/policy.js';
import { emulatorEnv, startEmulators, type Emulators } from '../../../shared/local/emulators.js';
import { provision } from '../../../shared/local/provision.js';
import { ENV } from '../../../shared/resources.js';
import { buildDeps } from '../../../shared/runtime/deps.js';
import { loadConfig } from '../../../shared/runtime/config.js';

let e: Emulators;
const saved = { ...process.env };

beforeAll(async () => {
  e = await startEmulators();
  const provisioned = await provision(e, 'reconcilecli');
  Object.assign(process.env, emulatorEnv(e), provisioned.env);
});
afterAll(async () => {
  process.env = saved;
  await e?.stop();
});

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const ctx: CliContext = { ...processContext(), out: (t) => { out += t; }, err: (t) => { err += t; } };
  const code = await runCli(argv, ctx);
  return { code, out, err };
}

describe('stratus reconcile', () => {
  it('reconciles once with deps from the environment and prints the report (agreement)', async () => {
    const { code, out, err } = await run('reconcile');
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toMatch(/^reconciled\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    expect(out).toMatch(/^orders\s+0 checked, 0 updated, 0 fills booked$/m);
    expect(out).toMatch(/^balance drift\s+none \(exchange and ledger agree\)$/m);
    expect(out).toMatch(/^kill switch\s+not tripped by this run$/m);
  });

  it('adopts an order only the venue knows and prints it', async () => {
    const deps = buildDeps(loadConfig());
    await deps.market.putTopOfBook({ symbol: 'BTC/USDT', bid: '50000', ask: '50000.1', time: Date.now() });
    const orderId = orderIdFor('cli-stray');
    const stray: OrderRequest = {
      orderId, clientOrderId: clientOrderIdFor(orderId), intentId: 'cli-stray', strategy: 'momentum', symbol: 'BTC/USDT', side: 'buy',
      kind: 'entry', type: 'limit', limitPrice: '40000', quantity: '0.001', referencePrice: '40000', reservedNotional: '40',
      mode: 'PAPER', policyHash: 'h', createdAt: Date.now(),
    };
    await deps.exchangeFor(defaultPolicy()).placeOrder(stray);

    const { code, out } = await run('reconcile');
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^adopted\\s+${stray.clientOrderId}$`, 'm'));
    expect((await deps.state.getOrder(orderId))?.value.status).toBe('OPEN');
  });

  it('fails with exit code 1 naming what is missing when the environment lacks a resource name', async () => {
    const topic = process.env[ENV.alertTopicArn];
    delete process.env[ENV.alertTopicArn];
    try {
      const { code, out, err } = await run('reconcile');
      expect(code).toBe(1);
      expect(out).toBe('');
      expect(err).toMatch(/^stratus reconcile: .*ALERT_TOPIC_ARN/);
    } finally {
      process.env[ENV.alertTopicArn] = topic;
    }
  });

  it('is listed in the usage', async () => {
    expect((await run('--help')).out).toMatch(/\n {2}reconcile\s+Reconcile the exchange with the ledger now/);
  });
});
