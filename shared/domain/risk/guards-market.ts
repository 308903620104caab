import { dec, ratioVersus, type Decimal } from '../money.js';
import type { RiskGuard } from './guard.js';

// Market quality stops entries only: exits reduce risk and go out on whatever market there is.
// A missing input fails closed (no heartbeat or no book → no entry); a missing
// circuit state means the breaker is closed (no exchange-health item yet).

/** No heartbeat, or one older than marketQuality.staleDataSeconds → no entry. */
export const staleDataGuard: RiskGuard = {
  name: 'staleData', code: 'STALE_MARKET_DATA', scope: 'entry',
  check: function staleData(ctx) {
    const max = ctx.policy.marketQuality.staleDataSeconds;
    if (ctx.heartbeatAgeMs === undefined) return 'no market-stream heartbeat';
    return ctx.heartbeatAgeMs > max * 1000 ? `heartbeat ${Math.floor(ctx.heartbeatAgeMs / 1000)} s old: staleDataSeconds ${max}` : undefined;
  },
};

/** (ask − bid) / mid above marketQuality.maxSpreadBps, a crossed book, or no book → no entry. */
export const spreadGuard: RiskGuard = {
  name: 'spread', code: 'SPREAD_TOO_WIDE', scope: 'entry',
  check: function spread(ctx) {
    if (!ctx.book) return `no top of book for ${ctx.intent.symbol}: spread unknown`;
    const { bid, ask } = ctx.book;
    if (!bid.gt(0) || ask.lt(bid)) return `unusable book for ${ctx.intent.symbol}: bid ${bid.toFixed()}, ask ${ask.toFixed()}`;
    const max = ctx.policy.marketQuality.maxSpreadBps;
    // (ask − bid) / mid × 10,000 > max, clearly below: no division needed (ratioVersus).
    if (ratioVersus(ask.sub(bid).mul(20_000), ask.add(bid), max) < 0) return undefined;
    const bps = ask.sub(bid).div(ask.add(bid).div(2)).mul(10_000);
    return bps.gt(max) ? `spread ${bps.toDecimalPlaces(2).toFixed()} bps: maxSpreadBps ${max}` : undefined;
  },
};

/**
 * Execution price further than marketQuality.badTickPct from the reference → no entry. The reference is the
 * newest closed candle's close, else the close the intent was decided on (intent.referencePrice); with
 * neither usable the entry is refused.
 */
export const badTickGuard: RiskGuard = {
  name: 'badTick', code: 'BAD_TICK', scope: 'entry',
  check: function badTick(ctx) {
    const ref = ctx.lastClose ?? parsePrice(ctx.intent.referencePrice);
    if (!ref || !ref.gt(0)) return `no reference close for ${ctx.intent.symbol}`;
    const max = ctx.policy.marketQuality.badTickPct;
    if (ratioVersus(ctx.price.sub(ref).abs().mul(100), ref, max) < 0) return undefined;
    const pct = ctx.price.sub(ref).abs().div(ref).mul(100);
    return pct.gt(max) ? `price ${ctx.price.toFixed()} is ${pct.toDecimalPlaces(2).toFixed()}% from close ${ref.toFixed()}: badTickPct ${max}` : undefined;
  },
};

function parsePrice(value: string): Decimal | undefined {
  try {
    return dec(value);
  } catch {
    return undefined;
  }
}

/** Exchange circuit breaker open → no entry; half-open lets entries through (the probe). */
export const circuitGuard: RiskGuard = {
  name: 'circuit', code: 'CIRCUIT_OPEN', scope: 'entry',
  check: function circuit(ctx) {
    return ctx.circuit === 'open' ? 'exchange circuit breaker is open' : undefined;
  },
};
