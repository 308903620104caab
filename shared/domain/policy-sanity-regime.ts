import type { Policy } from './policy.js';
import type { Finding, SanityCheck } from './policy-sanity.js';
import { regimeCandlesNeeded } from './regime.js';
import { regimeParams } from './regime-policy.js';

/** Most candles the detector may need per decision (the risk function reads them from the market table). */
export const MAX_REGIME_CANDLES = 5000;

type Bound = readonly [string, number, number, number, boolean?];

/** [path, value, min, max, min excluded] of every detector parameter. */
function bounds(p: Policy): Bound[] {
  const g = p.regime;
  const at = (k: string) => `regime.${k}`;
  return [
    [at('erPeriod'), g.erPeriod, 2, 1000], [at('trendThreshold'), g.trendThreshold, 0, 1, true],
    [at('volPeriod'), g.volPeriod, 2, 1000], [at('volLookback'), g.volLookback, 2, MAX_REGIME_CANDLES],
    [at('volatilePercentile'), g.volatilePercentile, 0, 100, true], [at('crisisVolPercentile'), g.crisisVolPercentile, 0, 100],
    [at('crashWindow'), g.crashWindow, 2, 1000], [at('crashDropPct'), g.crashDropPct, 0, 100, true],
    [at('confirmCandles'), g.confirmCandles, 1, g.smoothingWindow], [at('crisisHoldCandles'), g.crisisHoldCandles, 1, g.smoothingWindow],
    [at('smoothingWindow'), g.smoothingWindow, 1, 1000],
  ];
}

const outside = ([, v, min, max, open]: Bound) => v > max || (open ? v <= min : v < min);

/** The regime gate's checks: detector ranges, the matrix, the leader. */
export const regimeChecks: readonly SanityCheck[] = [
  {
    code: 'REGIME_OUT_OF_RANGE', severity: 'error',
    summary: `a regime detector window or threshold outside its range (confirm and crisis hold within smoothingWindow; at most ${MAX_REGIME_CANDLES} candles in all)`,
    check: (p) => {
      const out: Finding[] = bounds(p).filter(outside).map(([path, v, min, max, open]) => ({ path, message: `${v} must be in ${open ? '(' : '['}${min}, ${max}]` }));
      const need = regimeCandlesNeeded(regimeParams(p.regime));
      if (need > MAX_REGIME_CANDLES) out.push({ path: 'regime', message: `the detector needs ${need} candles per decision; at most ${MAX_REGIME_CANDLES}` });
      return out;
    },
  },
  {
    code: 'REGIME_MATRIX_INVALID', severity: 'error',
    summary: 'a regime matrix row for a strategy the policy does not list (other than "*"), or a reduced fraction not in (0, 1)',
    check: ({ regime, strategies }) => Object.entries(regime.matrix).flatMap(([name, row]): Finding[] => [
      ...(name === '*' || strategies.some((s) => s.name === name) ? [] : [{ path: `regime.matrix.${name}`, message: `strategy "${name.slice(0, 40)}" is not in the policy` }]),
      ...Object.entries(row).flatMap(([regime, rule]): Finding[] => {
        if (!rule?.startsWith('reduced:')) return [];
        const f = Number(rule.slice('reduced:'.length));
        return f > 0 && f < 1 ? [] : [{ path: `regime.matrix.${name}.${regime}`, message: `${rule}: the fraction must be in (0, 1) (use allowed or blocked)` }];
      }),
    ]),
  },
  {
    code: 'REGIME_LEADER_NOT_LISTED', severity: 'warning',
    summary: 'regime gate on with a leader not among the symbols: its candles are not streamed, so the leader is ignored',
    check: ({ regime, symbols }) => (regime.enabled && regime.leader !== null && !symbols.includes(regime.leader)
      ? [{ path: 'regime.leader', message: `${regime.leader} is not in symbols: no candles of it are stored, each symbol's own crisis only` }] : []),
  },
];
