import { describe, expect, it } from 'vitest';
import {
  effectiveStatus, initialKillSwitch, KILL_SWITCH_HISTORY_LIMIT, resetKillSwitch, tripKillSwitch, type KillSwitchState,
} from '../../../shared/domain/kill-switch.js';
import { deepFreeze } from './fixtures.js';

const trip = (s: KillSwitchState | undefined, at = 1_000) =>
  tripKillSwitch(s && deepFreeze(s), { reason: 'drawdown 12% > 10%', by: 'metrics', at });
const reset = (s: KillSwitchState | undefined, at: number, cooldownSeconds: number) =>
  resetKillSwitch(s && deepFreeze(s), { by: 'alice', reason: 'checked', at, cooldownSeconds });

describe('effectiveStatus', () => {
  const cooling: KillSwitchState = { status: 'COOLDOWN', cooldownUntil: 5_000, tripCount: 1, history: [] };
  it.each([
    ['a missing item', 0, 'ARMED', undefined],
    ['an ARMED item', 0, 'ARMED', initialKillSwitch()],
    ['a TRIPPED item', 10 ** 12, 'TRIPPED', { status: 'TRIPPED', tripCount: 1, history: [] }],
    ['COOLDOWN before cooldownUntil', 4_999, 'COOLDOWN', cooling],
    ['COOLDOWN at cooldownUntil', 5_000, 'ARMED', cooling],
    ['COOLDOWN after cooldownUntil', 9_000, 'ARMED', cooling],
    ['COOLDOWN without cooldownUntil (fail closed)', 10 ** 12, 'COOLDOWN', { status: 'COOLDOWN', tripCount: 1, history: [] }],
  ] as const)('reads %s at t=%i as %s', (_label, now, expected, state) => {
    expect(effectiveStatus(state, now)).toBe(expected);
  });
});

describe('tripKillSwitch', () => {
  it('trips a missing (ARMED) switch, recording who, why and when', () => {
    const s = trip(undefined);
    expect(s).toMatchObject({ status: 'TRIPPED', reason: 'drawdown 12% > 10%', changedBy: 'metrics', changedAt: 1_000, tripCount: 1 });
    expect(s.history).toEqual([{ event: 'TRIP', at: 1_000, by: 'metrics', reason: 'drawdown 12% > 10%' }]);
  });

  it('leaves an already TRIPPED switch unchanged', () => {
    const s = trip(undefined);
    expect(trip(s, 2_000)).toBe(s);
  });

  it('trips a switch in COOLDOWN and clears its cooldown', () => {
    const s = trip(reset(trip(undefined), 2_000, 60), 3_000);
    expect(s.status).toBe('TRIPPED');
    expect(s.cooldownUntil).toBeUndefined();
    expect(s.tripCount).toBe(2);
  });
});

describe('resetKillSwitch', () => {
  it('moves a TRIPPED switch to COOLDOWN until at + cooldownSeconds', () => {
    const s = reset(trip(undefined), 2_000, 60);
    expect(s).toMatchObject({ status: 'COOLDOWN', cooldownUntil: 62_000, changedBy: 'alice', reason: 'checked', tripCount: 1 });
    expect(s.history.at(-1)).toEqual({ event: 'RESET', at: 2_000, by: 'alice', reason: 'checked' });
    expect(effectiveStatus(s, 61_999)).toBe('COOLDOWN');
    expect(effectiveStatus(s, 62_000)).toBe('ARMED');
  });

  it('arms a TRIPPED switch at once when cooldownSeconds is 0', () => {
    const s = reset(trip(undefined), 2_000, 0);
    expect(s.status).toBe('ARMED');
    expect(s.cooldownUntil).toBeUndefined();
  });

  it('can shorten a running cooldown by resetting again', () => {
    expect(reset(reset(trip(undefined), 2_000, 600), 3_000, 0).status).toBe('ARMED');
  });

  it('is a no-op on an ARMED switch, including one whose cooldown has run out', () => {
    const armed = initialKillSwitch();
    expect(reset(armed, 2_000, 60)).toBe(armed);
    const cooled = reset(trip(undefined), 2_000, 1);
    expect(reset(cooled, 3_000, 60)).toBe(cooled);
  });

  it('refuses a negative cooldown', () => {
    expect(() => reset(trip(undefined), 2_000, -1)).toThrow(RangeError);
  });
});

describe('history', () => {
  it('keeps the newest 100 events while tripCount counts every trip', () => {
    let s: KillSwitchState | undefined;
    for (let i = 0; i < 60; i++) s = reset(trip(s, i * 10), i * 10 + 5, 0);
    expect(s?.tripCount).toBe(60);
    expect(s?.history).toHaveLength(KILL_SWITCH_HISTORY_LIMIT);
    expect(s?.history[0]).toMatchObject({ event: 'TRIP', at: 100 }); // 120 events: the first 10 cycles dropped;
    expect(s?.history.at(-1)).toMatchObject({ event: 'RESET', at: 595 });
  });
});
