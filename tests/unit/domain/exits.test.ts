import { describe, expect, it } from 'vitest';
import { exitReasonOf, exitSignal, RISK_EXIT_STRATEGY, roiEntry, withHighWaterMarks } from '../../../shared/domain/exits.js';
import type { Position } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { defaultPolicy, type Policy } from '../../../shared/domain/policy.js';
import { deepFreeze, ledger, position } from './fixtures.js';

const MIN = 60_000;
/** 2 units for 200 quote: average entry cost 100, opened at t = 0. */
const held = (over: Partial<Position> = {}): Position => deepFreeze({ ...position('BTC/USDT', '2', '200'), ...over });
const exits = (over: Partial<Policy['exits']>) => {
  const p = defaultPolicy();
  return { exits: { ...p.exits, ...over } };
};
const trailing = (over: Partial<Policy['exits']> = {}) =>
  exits({ trailingStop: { enabled: true, activationPct: 2, trailPct: 3 }, takeProfitPct: null, ...over });
const reasonAt = (price: string, now: number, policy: Pick<Policy, 'exits'>, p = held()) => exitSignal(p, dec(price), now, policy)?.reason;

describe('exitSignal: each exit at its boundary', () => {
  it.each([
    ['stop-loss at exactly −10%', '90', 0, exits({}), 'stop-loss'],
    ['no stop-loss just above −10%', '90.01', 0, exits({}), undefined],
    ['no stop-loss when it is off', '50', 0, exits({ stopLossPct: null }), undefined],
    ['take-profit at exactly +12%', '112', 0, exits({}), 'take-profit'],
    ['no take-profit just below +12%', '111.99', 0, exits({}), undefined],
    ['time stop at exactly timeStopMinutes', '100', 60 * MIN, exits({ timeStopMinutes: 60 }), 'time-stop'],
    ['no time stop a millisecond earlier', '100', 60 * MIN - 1, exits({ timeStopMinutes: 60 }), undefined],
    ['no time stop when timeStopMinutes is 0', '100', 10 ** 9, exits({ timeStopMinutes: 0 }), undefined],
  ] as const)('%s', (_label, price, now, policy, expected) => {
    expect(reasonAt(price, now, policy)).toBe(expected);
  });

  it.each([
    ['exits at HWM × (1 − 3%) = 106.7 once activated', '110', '106.7', 'trailing-stop'],
    ['holds a cent above the trailing level', '110', '106.71', undefined],
    ['exits at the level when the HWM is exactly +2% (activated)', '102', '98.94', 'trailing-stop'],
    ['does not trail before the HWM reached activationPct', '101.99', '98.9', undefined],
  ] as const)('trailing stop %s', (_label, hwm, price, expected) => {
    expect(reasonAt(price, 0, trailing({ stopLossPct: null }), held({ highWaterMark: dec(hwm) }))).toBe(expected);
  });

  it('trails from the current price when it is above the stored high-water mark', () => {
    expect(reasonAt('120', 0, trailing(), held({ highWaterMark: dec('110') }))).toBeUndefined();
    expect(reasonAt('106.7', 0, trailing(), held())).toBeUndefined(); // no HWM: the price is the high, nothing to trail
  });

  it.each([
    ['before the first entry applies', 9.99, 29, undefined],
    ['the 30-minute entry at its pct', 5, 30, 'roi'],
    ['the 30-minute entry just below its pct', 4.99, 59, undefined],
    ['the 60-minute entry (break-even)', 0, 60, 'roi'],
    ['the 0-minute entry at its pct', 10, 0, 'roi'],
  ] as const)('ROI table: %s', (_label, profitPct, minutes, expected) => {
    const policy = exits({ takeProfitPct: null, roi: [{ afterMinutes: 60, pct: 0 }, { afterMinutes: 0, pct: 10 }, { afterMinutes: 30, pct: 5 }] });
    expect(reasonAt(String(100 + profitPct), minutes * MIN + 59_999, policy)).toBe(expected);
  });

  it('measures from the average entry cost, buy fees included, and explains itself', () => {
    const s = exitSignal(held({ costBasis: dec('200.2') }), dec('90.09'), 0, exits({}));
    expect(s?.reason).toBe('stop-loss'); // average 100.1; −10% = 90.09
    expect(s?.profitPct.toFixed()).toBe('-10');
    expect(s?.message).toContain('stopLossPct -10%');
  });
});

describe('exitSignal: precedence', () => {
  it('prefers stop-loss over a due time stop and ROI', () => {
    expect(reasonAt('85', 120 * MIN, exits({ timeStopMinutes: 60, roi: [{ afterMinutes: 0, pct: -50 }] }))).toBe('stop-loss');
  });
  it('prefers the trailing stop over take-profit', () => {
    expect(reasonAt('113', 0, trailing({ takeProfitPct: 12 }), held({ highWaterMark: dec('120') }))).toBe('trailing-stop');
  });
  it('prefers take-profit over ROI, and ROI over the time stop', () => {
    expect(reasonAt('115', 0, exits({ roi: [{ afterMinutes: 0, pct: 1 }] }))).toBe('take-profit');
    expect(reasonAt('101', 60 * MIN, exits({ roi: [{ afterMinutes: 0, pct: 1 }], timeStopMinutes: 60 }))).toBe('roi');
  });
});

describe('roiEntry', () => {
  it('picks the entry with the largest afterMinutes not above the minutes held', () => {
    const table = [{ afterMinutes: 40, pct: 1 }, { afterMinutes: 10, pct: 3 }];
    expect(roiEntry(table, 9)).toBeUndefined();
    expect(roiEntry(table, 39)).toEqual({ afterMinutes: 10, pct: 3 });
    expect(roiEntry(table, 40)).toEqual({ afterMinutes: 40, pct: 1 });
  });
});

describe('withHighWaterMarks', () => {
  const l = deepFreeze(ledger({
    positions: { 'BTC/USDT': held({ highWaterMark: dec('110') }), 'ETH/USDT': { ...position('ETH/USDT', '1', '3000') } },
  }));

  it('raises a high-water mark to a higher mark and starts one from the first mark', () => {
    const next = withHighWaterMarks(l, { 'BTC/USDT': dec('111'), 'ETH/USDT': dec('2900') }, 5);
    expect(next.positions['BTC/USDT']?.highWaterMark?.toFixed()).toBe('111');
    expect(next.positions['ETH/USDT']?.highWaterMark?.toFixed()).toBe('2900');
    expect(next.updatedAt).toBe(5);
  });

  it('returns the same ledger when no mark is a new high or a position has no mark', () => {
    expect(withHighWaterMarks(l, { 'BTC/USDT': dec('110') }, 5)).toBe(l);
  });
});

describe('exitReasonOf', () => {
  it.each([
    [{ kind: 'exit', strategy: RISK_EXIT_STRATEGY, reason: 'trailing-stop' }, 'trailing-stop'],
    [{ kind: 'exit', strategy: RISK_EXIT_STRATEGY, reason: 'made up' }, 'signal'],
    [{ kind: 'exit', strategy: 'momentum', reason: 'stop-loss' }, 'signal'],
    [{ kind: 'entry', strategy: 'momentum', reason: 'momentum 7.1' }, undefined],
  ] as const)('%o → %s', (intent, expected) => {
    expect(exitReasonOf(intent)).toBe(expected);
  });
});
