import { booksBalance, runtimeClean } from '../books.js';
import { CASCADE_AT, CRASH_SYMBOLS, crashWindow } from '../crash-data.js';
import { observe, type Observation } from '../observe.js';
import { atLeast, checkSabotage, criterion, equals, type Scenario } from '../scenario.js';

const FROM = Date.UTC(2025, 9, 10, 19);
const TO = Date.UTC(2025, 9, 10, 23);

/** A dip-buying book on all seven pairs going into the cascade: the loss limits must stop it. */
export const FLASH_CRASH_POLICY = {
  timeframe: '5m', profile: 'full', symbols: [...CRASH_SYMBOLS],
  strategies: [{ name: 'rsi-reversion', params: { period: 6, oversold: 35, exitLevel: 75 } }],
  risk: { stakePct: 12, maxPositionPct: 15, maxTotalExposurePct: 95, maxOpenPositions: 7, maxPositionNotional: '5000' },
  lossLimits: { dailyStopPct: -1.5 },
  killSwitch: { maxConsecutiveLosses: 0 },
  exits: { stopLossPct: -4 },
  pacing: { minSecondsBetweenTrades: 0, perSymbolCooldownSeconds: 0 },
};

const time = (t: number | undefined) => (t === undefined ? 'never' : new Date(t).toISOString().slice(11, 19));

/** The 10 Oct 2025 liquidation cascade (5m, seven pairs, 19:00–23:00 UTC). */
export const flashCrash: Scenario<Observation> = {
  name: 'flash-crash',
  title: '10 Oct 2025 cascade: loss limits trip the kill switch, exits still go out, no entry after the trip',
  fast: true,
  sabotages: {
    'no-loss-limits': 'kill switch trips on a loss limit',
    'exits-halted': 'exits still go out after the trip',
  },
  async observe(options) {
    const sabotage = checkSabotage(this, options);
    const { candles, warmup } = await crashWindow({ from: FROM, to: TO });
    const policy = sabotage === 'no-loss-limits'
      ? { ...FLASH_CRASH_POLICY, lossLimits: { dailyStopPct: null, weeklyStopPct: null, maxDrawdownPct: null } }
      : sabotage === 'exits-halted' ? { ...FLASH_CRASH_POLICY, risk: { ...FLASH_CRASH_POLICY.risk, allowExitsWhenHalted: false } } : FLASH_CRASH_POLICY;
    return observe({ candles, warmup, timeframe: '5m', policy });
  },
  judge(o) {
    const trip = o.killSwitch?.history.find((e) => e.event === 'TRIP');
    const tripAt = trip?.at;
    const after = (t: number) => tripAt !== undefined && t >= tripAt;
    const exitsAfter = o.orders.filter((x) => x.kind === 'exit' && after(x.createdAt));
    const exitDecisionsAfter = o.decisions.filter((d) => d.kind === 'exit' && after(d.decidedAt));
    const entriesAfter = o.orders.filter((x) => x.kind === 'entry' && after(x.createdAt));
    return [
      criterion('kill switch trips on a loss limit', 'TRIPPED by metrics on a loss limit', trip ? `${time(tripAt)} ${trip.reason ?? ''}` : 'never tripped',
        !!trip && trip.by === 'metrics' && /loss|drawdown/i.test(trip.reason ?? '')),
      criterion('trips in the cascade', `by ${time(CASCADE_AT + 30 * 60_000)}`, time(tripAt), tripAt !== undefined && tripAt <= CASCADE_AT + 30 * 60_000),
      atLeast('exits still go out after the trip', exitsAfter.filter((x) => x.status === 'FILLED').length, 1),
      equals('exit decisions refused after the trip', exitDecisionsAfter.filter((d) => !d.approved).length, 0),
      equals('no entry order after the trip', entriesAfter.length, 0),
      booksBalance(o),
      runtimeClean(o),
    ];
  },
};
