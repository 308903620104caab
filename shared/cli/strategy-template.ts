// The files `stratus new-strategy NAME` writes: a commented strategy module and a vitest test that passes on it.

/** `name` as a camelCase identifier (dip-buyer → dipBuyer). */
function identifier(name: string): string {
  const camel = name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return /^[0-9]/.test(camel) ? `s${camel}` : camel;
}

/** The strategy module NAME.ts; `kit` is the import path of the repository's shared/domain/ folder from it. */
export function strategyTemplate(name: string, kit: string): string {
  return `// Strategy "${name}" — load it with \`--strategy-file ${name}.ts\` (or \`--strategies-dir\` on its folder) in every
// stratus command, or deploy it with \`cdk deploy -c strategies=./<its folder>\`; turn it on in the policy:
//   "strategies": [{ "name": "${name}", "params": { "period": 20, "dropPct": 2 } }]
// Run its test: npx vitest run <its folder>/${name}.test.ts
//
// The rules every strategy keeps (the backtest, the lookahead check and the signal function rely on them):
// - evaluate() is pure: no clock, no I/O, no state kept between calls; it sees only closed candles, oldest first,
//   at most requiredCandles of them (the newest is the candle that just closed).
// - Long only: an entry is a buy when flat, an exit a sell when holding. Sizing, stops and limits are the risk
//   chain's (policy risk / exits sections), not the strategy's.
// - Floats are fine in indicator maths; prices, money and sizes are decided elsewhere.
import * as z from 'zod';
import type { StrategyDefinition } from '${kit}/strategy.js';

// Params: a zod object of numbers. Every param needs a default (a policy may give none) and should have a range;
// \`stratus strategies\` lists them and \`stratus policy validate\` reports each out-of-range or unknown param by path.
const params = z.strictObject({
  period: z.number().int().min(2).max(500).default(20).describe('closes in the moving average'),
  dropPct: z.number().min(0.1).max(50).default(2).describe('buy this far below the average, %'),
});

/** Buys a close dropPct % below the SMA of the last \`period\` closes; sells once a close is back at the SMA. */
const ${identifier(name)} = {
  name: '${name}',
  summary: 'buy a dip below the moving average, sell when the close is back at it',
  params,
  // Closed candles evaluate() needs (the warm-up): a number, or a function of the parsed params.
  requiredCandles: (p) => p.period,
  evaluate({ candles, holding, params: p }) {
    if (candles.length < p.period) return undefined;
    const window = candles.slice(-p.period);
    const sma = window.reduce((sum, c) => sum + c.close, 0) / p.period;
    const close = window.at(-1)!.close;
    const reason = \`close \${close} vs SMA\${p.period} \${sma.toFixed(4)}\`;
    // score is the strategy's own statistic, recorded with the intent.
    if (!holding && close < sma * (1 - p.dropPct / 100)) return { side: 'buy', kind: 'entry', score: close / sma - 1, reason };
    if (holding && close >= sma) return { side: 'sell', kind: 'exit', score: close / sma - 1, reason };
    return undefined;
  },
  // Optional: plot(candles, params) returns indicator lines for the HTML report, one value per candle (null while
  // undefined), and screen(params) an O(1) pre-filter for long backtests (see shared/domain/strategies/).
  plot: (candles, p) => [{
    name: \`SMA \${p.period}\`,
    values: candles.map((_, i) => (i + 1 < p.period ? null : candles.slice(i + 1 - p.period, i + 1).reduce((s, c) => s + c.close, 0) / p.period)),
  }],
} satisfies StrategyDefinition<typeof params>;

export default ${identifier(name)};
`;
}

/** The test NAME.test.ts of the template: hand-computed signals, params defaults and ranges. */
export function strategyTestTemplate(name: string, kit: string): string {
  return `import { describe, expect, it } from 'vitest';
import type { Candle } from '${kit}/candle.js';
import { defineStrategy } from '${kit}/strategy-define.js';
import definition from './${name}.js';

const strategy = defineStrategy(definition);
const candles = (closes: number[]): Candle[] => closes.map((close, i) => ({
  symbol: 'BTC/USDT', timeframe: '1h', openTime: i * 3_600_000, open: close, high: close, low: close, close, volume: 1,
}));
const params = { period: 4, dropPct: 10 };

describe('${name}', () => {
  it('needs period closed candles, 20 with the defaults', () => {
    expect(strategy.requiredCandles({})).toBe(20);
    expect(strategy.requiredCandles(params)).toBe(4);
  });

  it('refuses params outside their ranges and unknown ones', () => {
    expect(() => strategy.requiredCandles({ period: 1 })).toThrow(/period must be an integer in 2..500/);
    expect(() => strategy.requiredCandles({ perod: 5 })).toThrow(/unknown param "perod"/);
  });

  // SMA4 of 100, 100, 100, 70 = 92.5; 70 is below 92.5 × 0.9 = 83.25
  it('buys a close more than dropPct below the SMA when flat, not when holding', () => {
    expect(strategy.evaluate({ candles: candles([100, 100, 100, 70]), holding: false, params })).toMatchObject({ side: 'buy', kind: 'entry' });
    expect(strategy.evaluate({ candles: candles([100, 100, 100, 70]), holding: true, params })).toBeUndefined();
  });

  // SMA4 of 100, 100, 100, 95 = 98.75; 95 is above 88.875
  it('does not buy a smaller dip', () => {
    expect(strategy.evaluate({ candles: candles([100, 100, 100, 95]), holding: false, params })).toBeUndefined();
  });

  // SMA4 of 80, 80, 80, 100 = 85; 100 is back above it
  it('sells when holding and the close is back at the SMA', () => {
    expect(strategy.evaluate({ candles: candles([80, 80, 80, 100]), holding: true, params })).toMatchObject({ side: 'sell', kind: 'exit' });
  });

  it('gives nothing with fewer than period candles', () => {
    expect(strategy.evaluate({ candles: candles([100, 70]), holding: false, params })).toBeUndefined();
  });
});
`;
}
