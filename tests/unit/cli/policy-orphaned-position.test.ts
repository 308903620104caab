import { beforeEach, describe, expect, it } from 'vitest';
import { newLedger } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { runCli } from '../../../shared/cli/run-cli.js';
import { cliHarness } from './cli-harness.js';

const BTC = 'BTC/USDT';
const ETH = 'ETH/USDT';
let h: ReturnType<typeof cliHarness>;

beforeEach(async () => {
  h = cliHarness();
  const l = newLedger('10000', 0);
  const position = { symbol: BTC, quantity: dec('0.005'), costBasis: dec('200.5512'), openedAt: 0, strategy: 'momentum' };
  await h.state.putLedger({ ...l, positions: { [BTC]: position } }, 0);
});

const dropsBtc = { symbols: [ETH] };
const dropsMomentum = { symbols: [BTC, ETH], strategies: [{ name: 'sma-cross', params: {} }] };

describe('ORPHANED_POSITION in the policy commands', () => {
  it('validate warns when the document drops a symbol with an open position, naming the symbol and its size, and still passes', async () => {
    const r = await h.run('policy', 'validate', h.file('p.json', dropsBtc));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/warning\s+symbols\s+ORPHANED_POSITION\s+BTC\/USDT is dropped while a position of 0\.005 BTC\/USDT \(cost 200\.55\) is open/);
    expect(r.out).toContain('open positions checked against the ledger: 1');
  });

  it('validate warns at strategies when the document drops the strategy holding a position', async () => {
    const r = await h.run('policy', 'validate', h.file('p.json', dropsMomentum));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/warning\s+strategies\s+ORPHANED_POSITION\s+strategy momentum is dropped or disabled while it holds 0\.005 BTC\/USDT/);
    expect(r.out).not.toMatch(/symbols\s+ORPHANED_POSITION/);
  });

  it('validate says positions were not checked when no state table is reachable, and warns nothing about them', async () => {
    let out = '';
    const ctx = { ...h.ctx, out: (t: string) => { out += t; }, state: () => { throw new Error('set STATE_TABLE to the deployed table name'); } };
    expect(await runCli(['policy', 'validate', h.file('p.json', dropsBtc)], ctx)).toBe(0);
    expect(out).toContain('note: open positions were not checked (no state reachable: set STATE_TABLE to the deployed table name)');
    expect(out).not.toContain('ORPHANED_POSITION');
  });

  it('diff lists the changes, then the ORPHANED_POSITION warning of the other document', async () => {
    await h.policies.write({ symbols: [BTC, ETH] }, { by: 'alice', at: 1 });
    const r = await h.run('policy', 'diff', h.file('p.json', dropsBtc));
    expect(r.code).toBe(0);
    expect(r.out).toContain('~ symbols: ["BTC/USDT","ETH/USDT"] → ["ETH/USDT"]');
    expect(r.out).toMatch(/warning\s+symbols\s+ORPHANED_POSITION\s+BTC\/USDT is dropped while a position of 0\.005 BTC\/USDT/);
  });

  it('set prints the same warning and writes the document', async () => {
    const r = await h.run('policy', 'set', h.file('p.json', dropsBtc), '--by', 'alice');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/warning\s+symbols\s+ORPHANED_POSITION\s+BTC\/USDT is dropped/);
    expect(r.out).toContain('policy v1 written by alice');
  });
});
