import { StratusError } from './errors.js';
import type { Policy, PolicyProblem, ValidationContext } from './policy.js';
import { getStrategy } from './strategy.js';

/** Keys of earlier policy versions, with where their setting lives now. */
export const DEPRECATED_KEYS: Readonly<Record<string, string>> = {
  staleDataSeconds: 'marketQuality.staleDataSeconds',
  'risk.maxDrawdownPct': 'lossLimits.maxDrawdownPct',
  'risk.killSwitchCooldownSeconds': 'killSwitch.cooldownSeconds',
};

/** A deprecated key is an error naming its replacement (it would otherwise fail as an unknown key). */
export function deprecatedKeyProblems(document: unknown): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  for (const [path, replacement] of Object.entries(DEPRECATED_KEYS)) {
    let node: unknown = document;
    for (const part of path.split('.')) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
    if (node !== undefined) out.push({ path, code: 'DEPRECATED_KEY', severity: 'error', message: `deprecated: use ${replacement}` });
  }
  return out;
}

/** Contradictions and unsafe values the schema cannot express. */
export function sanityProblems(p: Policy, _context: ValidationContext): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  const err = (path: string, code: string, message: string) => out.push({ path, code, severity: 'error', message });
  if (p.risk.stakePct > p.risk.maxPositionPct) err('risk.stakePct', 'STAKE_ABOVE_ASSET_CAP', `stakePct ${p.risk.stakePct} exceeds maxPositionPct ${p.risk.maxPositionPct}`);
  if (p.risk.maxPositionPct > p.risk.maxTotalExposurePct) err('risk.maxPositionPct', 'ASSET_CAP_ABOVE_EXPOSURE', 'maxPositionPct exceeds maxTotalExposurePct');
  if (p.mode === 'LIVE' && !p.liveTradingConfirmed) err('liveTradingConfirmed', 'LIVE_NOT_CONFIRMED', 'mode LIVE needs liveTradingConfirmed: true');
  p.strategies.forEach((s, i) => {
    try {
      getStrategy(s.name).requiredCandles(s.params);
    } catch (error) {
      if (!(error instanceof StratusError)) throw error;
      const unknown = error.code === 'UNKNOWN_STRATEGY';
      err(`strategies.${i}.${unknown ? 'name' : 'params'}`, unknown ? 'UNKNOWN_STRATEGY' : 'STRATEGY_PARAMS', error.message);
    }
    (s.symbols ?? []).forEach((sym, j) => {
      if (!p.symbols.includes(sym)) err(`strategies.${i}.symbols.${j}`, 'STRATEGY_SYMBOL_NOT_LISTED', `${sym} is not in symbols`);
    });
  });
  return out;
}
