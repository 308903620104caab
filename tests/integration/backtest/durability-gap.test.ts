import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DynamoStateStore } from '../../../shared/adapters/dynamo-state-store.js';
import type { CliContext } from '../../../shared/cli/cli-context.js';
import { durabilityCommand } from '../../../shared/cli/durability-command.js';
import { newLedger, type ClosedTrade } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { provision } from '../../../shared/local/provision.js';
import { useDynalite } from '../../support/dynalite-suite.js';

const SHIPPED = resolve(import.meta.dirname, '../../../shared/local/data');
const suite = useDynalite();

function trade(symbol: string, pnl: string, closedAt: string): ClosedTrade {
  const at = Date.parse(closedAt);
  return { symbol, strategy: 'sma-cross', quantity: dec('0.01'), pnl: dec(pnl), pnlPct: dec(1), openedAt: at - 3_600_000, closedAt: at, exitReason: 'signal' };
}

describe('stratus durability against a deployment (dynalite)', () => {
  it('measures the gap from the ledger\'s trades closed in the window on the run\'s symbols, with every weight in force', async () => {
    const { tables, env } = await provision(suite.e, 'durability');
    const state = new DynamoStateStore({ tableName: tables.state, client: suite.client });
    const ledger = { ...newLedger('10000', 0), trades: [
      trade('BTC/USDT', '-30', '2021-05-17T12:00:00Z'), // before --from: left out
      trade('BTC/USDT', '5', '2021-05-18T06:00:00Z'),
      trade('SOL/USDT', '900', '2021-05-18T07:00:00Z'), // not a symbol of the run: left out
      trade('BTC/USDT', '2.5', '2021-05-18T20:00:00Z'),
    ] };
    expect(await state.putLedger(ledger, 0)).toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'stratus-durability-gap-'));
    const output = { out: '', err: '' };
    const none = () => { throw new Error('durability reads no policy store'); };
    const ctx: CliContext = {
      policies: none, state: () => state, clock: { now: () => 0 }, out: (t) => { output.out += t; }, err: (t) => { output.err += t; },
      readText: (path) => readFile(path, 'utf8'),
    };
    try {
      const code = await durabilityCommand(ctx, {
        strategy: 'sma-cross', symbols: 'BTC/USDT', timeframe: '1m', from: '2021-05-18', to: '2021-05-19', data: SHIPPED,
        train: '12h', test: '12h', levels: '0,40', multiples: '1,10', workers: '2', json: join(dir, 'd.json'),
      }, env);
      expect(code).toBe(0);
      const report = JSON.parse(await readFile(join(dir, 'd.json'), 'utf8'));
      expect(report.inputs.gap.paperReturnPct).toBe(0.075);
      expect(typeof report.inputs.gap.backtestReturnPct).toBe('number');
      const gap = report.components.find((c: { name: string }) => c.name === 'gap');
      expect(gap.effectiveWeight).toBe(15);
      expect(gap.subscore).not.toBeNull();
      expect(gap.detail).toMatch(/^recorded 0\.075 % vs backtest -?\d+\.\d{3} %$/);
      expect(output.out).not.toMatch(/renormalised/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
