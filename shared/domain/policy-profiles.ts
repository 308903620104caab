/**
 * Launch profiles: overlays applied under a policy document before the schema fills defaults.
 * `conservative` is the schema's own defaults; the document always wins over its profile.
 */
export const PROFILES: Readonly<Record<'conservative' | 'moderate' | 'full', Readonly<Record<string, unknown>>>> = {
  conservative: {},
  moderate: {
    risk: { stakePct: 4, maxPositionPct: 6, maxTotalExposurePct: 40, maxOpenPositions: 6, maxPositionNotional: '10000' },
    lossLimits: { dailyStopPct: -5, weeklyStopPct: -10, maxDrawdownPct: 15 },
    exits: { stopLossPct: -12, takeProfitPct: 18 },
    pacing: { maxTradesPerDay: 30, maxTradesPerHour: 8, maxNewPositionsPerHour: 5, minSecondsBetweenTrades: 90, perSymbolCooldownSeconds: 600 },
  },
  full: {
    risk: { stakePct: 8, maxPositionPct: 10, maxTotalExposurePct: 60, maxOpenPositions: 6, maxPositionNotional: '25000' },
    lossLimits: { dailyStopPct: -8, weeklyStopPct: -15, maxDrawdownPct: 25 },
    exits: { stopLossPct: -15, takeProfitPct: 25 },
    pacing: { maxTradesPerDay: 60, maxTradesPerHour: 15, maxNewPositionsPerHour: 6, minSecondsBetweenTrades: 30, perSymbolCooldownSeconds: 300 },
  },
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepMerge(base: Readonly<Record<string, unknown>>, over: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

/** The document laid over its profile's preset; anything that is not an object passes through unchanged. */
export function applyProfile(document: unknown): unknown {
  if (!isObject(document)) return document;
  const name = document.profile;
  if (typeof name !== 'string' || !(name in PROFILES)) return document;
  return deepMerge(PROFILES[name as keyof typeof PROFILES], document);
}
