import { describe, expect, it } from 'vitest';
import { initialHealth, recordFailure } from '../../../shared/domain/circuit-breaker.js';
import { newLedger, type Ledger } from '../../../shared/domain/ledger.js';
import { dec } from '../../../shared/domain/money.js';
import { rollPeriods } from '../../../shared/domain/periods.js';
import { defaultPolicy } from '../../../shared/domain/policy.js';
import { orderFigures } from '../../../shared/services/order-figures.js';
import { portfolioGauges } from '../../../shared/services/portfolio-gauges.js';

const NOW = Date.UTC(2024, 2, 6, 15, 0, 0); // a Wednesday
const policy = defaultPolicy();
const base = { now: NOW, killSwitch: 'ARMED' as const, policy, sinceMs: 60_000 };

/** A ledger that started with 10 000, began this week at 10 500 and this day at 10 200. */
function ledger(): Ledger {
  const l = rollPeriods(newLedger('10000', NOW - 30 * 86_400_000), dec('10500'), Date.UTC(2024, 2, 4));
  return rollPeriods(l, dec('10200'), Date.UTC(2024, 2, 6));
}

describe('portfolioGauges', () => {
  it('measures PnL from the day\'s start, the week\'s start and the starting cash, in quote and %', () => {
    const g = portfolioGauges({ ...base, ledger: ledger(), equity: dec('10098') });
    expect(g).toMatchObject({ pnlDaily: '-102', pnlDailyPct: -1, pnlWeekly: '-402', pnlTotal: '98', pnlTotalPct: 0.98 });
    expect(g.pnlWeeklyPct).toBeCloseTo(-3.828571, 5);
  });

  it('counts PnL as 0 for a period with no mark yet, and pending orders from the reservations', () => {
    const l = { ...newLedger('1000', NOW), reservations: { a: {} as never, b: {} as never } };
    expect(portfolioGauges({ ...base, ledger: l, equity: dec('1000') })).toMatchObject({ pnlDaily: '0', pnlDailyPct: 0, pnlWeekly: '0', pendingOrders: 2 });
  });

  it.each([['ARMED', 0], ['COOLDOWN', 1], ['TRIPPED', 2]] as const)('reports the kill switch %s as %s', (status, gauge) => {
    expect(portfolioGauges({ ...base, ledger: ledger(), equity: dec('10000'), killSwitch: status }).killSwitchState).toBe(gauge);
  });

  it('reports a breaker that opened since the previous run as open with one trip, and one opened earlier as open with none', () => {
    let h = initialHealth(NOW);
    for (let i = 0; i < policy.circuitBreaker.failureThreshold; i++) h = recordFailure(h, NOW - 10_000, policy);
    expect(portfolioGauges({ ...base, ledger: ledger(), equity: dec('1'), health: h })).toMatchObject({
      circuitBreakerOpen: 1, circuitBreakerTrips: 1, exchangeConsecutiveErrors: policy.circuitBreaker.failureThreshold,
    });
    expect(portfolioGauges({ ...base, ledger: ledger(), equity: dec('1'), health: h, now: NOW + 60_000 })).toMatchObject({ circuitBreakerTrips: 0 });
    expect(portfolioGauges({ ...base, ledger: ledger(), equity: dec('1') })).toMatchObject({ circuitBreakerOpen: 0, circuitBreakerTrips: 0, exchangeConsecutiveErrors: 0 });
  });
});

describe('orderFigures', () => {
  it.each([
    ['a filled order', { status: 'FILLED', quantity: '2', filledQuantity: '2', exchangeOrderId: 'x' }, { sent: 1, filled: 1, rejected: 0, fillRatio: 1 }],
    ['a partial fill', { status: 'PARTIALLY_FILLED', quantity: '4', filledQuantity: '1', exchangeOrderId: 'x' }, { sent: 1, filled: 1, rejected: 0, fillRatio: 0.25 }],
    ['a resting order', { status: 'OPEN', quantity: '4', filledQuantity: '0', exchangeOrderId: 'x' }, { sent: 1, filled: 0, rejected: 0, fillRatio: 0 }],
    ['a venue rejection', { status: 'REJECTED', quantity: '4', filledQuantity: '0' }, { sent: 1, filled: 0, rejected: 1, fillRatio: 0 }],
    ['an order cancelled before sending', { status: 'CANCELED', quantity: '4', filledQuantity: '0' }, { sent: 0, filled: 0, rejected: 0 }],
  ] as const)('counts %s', (_label, order, expected) => {
    expect(orderFigures(order)).toEqual(expected);
  });
});
