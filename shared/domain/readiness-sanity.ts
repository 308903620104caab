/**
 * Sanity checks of the go-live gate: LIVE_NOT_READY (a LIVE policy before the checklist passed and the sign-offs exist,
 * from the deployment's durable go-live records) and GO_LIVE_BOUNDS (the goLive thresholds within sane ranges).
 */
import { dec } from './money.js';
import type { SanityCheck } from './policy-sanity.js';
import { readinessMissing } from './readiness.js';

/** Ranges the goLive thresholds must lie in: a gate outside them is a gate in name only. */
export const GO_LIVE_LIMITS = {
  minPaperDays: [1, 365], maxPaperDrawdownPct: [0, 50], minPaperSharpe: [-5, 10], maxErrorRatePct: [0, 100],
  minWalkForwardReturnPct: [-100, 1000], reconcileMaxAgeMinutes: [1, 1440], canaryDays: [0, 365],
} as const;

const MAX_LISTED = 10;
/** Fewest sign-off roles a policy may require (each signed by a different person). */
export const MIN_SIGNOFF_ROLES = 2;

const within = (path: string, v: number, [lo, hi]: readonly [number, number]) =>
  (v >= lo && v <= hi ? [] : [{ path, message: `${v} is outside ${lo}..${hi}` }]);

/** The gate's checks, run with every other sanity check. */
export const readinessChecks: readonly SanityCheck[] = [
  {
    code: 'LIVE_NOT_READY', severity: 'error',
    summary: 'mode LIVE before the recorded go-live-check passed and every goLive.requiredSignoffRoles signed off after it (or a signed-off override)',
    check: (p, context) => {
      if (p.mode !== 'LIVE' || context.liveReadiness === undefined) return [];
      const missing = readinessMissing(p.goLive, context.liveReadiness);
      if (!missing.length) return [];
      const listed = missing.slice(0, MAX_LISTED).join('; ') + (missing.length > MAX_LISTED ? `; and ${missing.length - MAX_LISTED} more` : '');
      return [{ path: 'mode', message: `LIVE_NOT_READY: missing: ${listed}` }];
    },
  },
  {
    code: 'GO_LIVE_BOUNDS', severity: 'error', summary: 'a goLive threshold out of range, fewer than two or a repeated sign-off role, or a canary cap that is not positive',
    check: ({ goLive: g }) => {
      const L = GO_LIVE_LIMITS;
      const roles = g.requiredSignoffRoles;
      const cap = g.canary.stakeCapQuote;
      return [
        ...within('goLive.minPaperDays', g.minPaperDays, L.minPaperDays),
        ...within('goLive.maxPaperDrawdownPct', g.maxPaperDrawdownPct, L.maxPaperDrawdownPct),
        ...within('goLive.minPaperSharpe', g.minPaperSharpe, L.minPaperSharpe),
        ...within('goLive.maxErrorRatePct', g.maxErrorRatePct, L.maxErrorRatePct),
        ...within('goLive.minWalkForwardReturnPct', g.minWalkForwardReturnPct, L.minWalkForwardReturnPct),
        ...within('goLive.reconcileMaxAgeMinutes', g.reconcileMaxAgeMinutes, L.reconcileMaxAgeMinutes),
        ...within('goLive.canary.days', g.canary.days, L.canaryDays),
        ...(new Set(roles).size === roles.length ? [] : [{ path: 'goLive.requiredSignoffRoles', message: `a role is listed twice: ${roles.join(', ')}` }]),
        // Four eyes: each role needs its own signer, so two roles means two people; one role would let the author of a
        // LIVE document open the gate alone.
        ...(roles.length >= MIN_SIGNOFF_ROLES ? [] : [{ path: 'goLive.requiredSignoffRoles', message: `at least ${MIN_SIGNOFF_ROLES} roles (two people) must sign off before LIVE, got ${roles.join(', ') || 'none'}` }]),
        ...(roles.includes('override') ? [{ path: 'goLive.requiredSignoffRoles', message: 'override is the override\'s own role, not a checklist role' }] : []),
        ...(cap !== null && !dec(cap).gt(0) ? [{ path: 'goLive.canary.stakeCapQuote', message: 'a canary cap of 0 refuses every entry; use null for no canary' }] : []),
      ];
    },
  },
];
