import { describe, expect, it } from 'vitest';
import { ClockWentBackwardsError, VirtualClock } from '../../../shared/local/virtual-clock.js';

const T0 = Date.UTC(2024, 0, 1);

describe('VirtualClock', () => {
  it('starts at the given time and moves forward by set and advance', () => {
    const clock = new VirtualClock(T0);
    expect(clock.now()).toBe(T0);
    clock.set(T0 + 60_000);
    expect(clock.now()).toBe(T0 + 60_000);
    expect(clock.advance(5_000)).toBe(T0 + 65_000);
    expect(clock.now()).toBe(T0 + 65_000);
  });

  it('allows setting the current time again and advancing by zero', () => {
    const clock = new VirtualClock(T0);
    clock.set(T0);
    clock.advance(0);
    expect(clock.now()).toBe(T0);
  });

  it.each([
    ['set to an earlier time', (c: VirtualClock) => c.set(T0 - 1)],
    ['advance by a negative amount', (c: VirtualClock) => c.advance(-1)],
    ['set to NaN', (c: VirtualClock) => c.set(Number.NaN)],
    ['advance by Infinity', (c: VirtualClock) => c.advance(Number.POSITIVE_INFINITY)],
  ])('refuses to %s and keeps its time', (_name, move) => {
    const clock = new VirtualClock(T0);
    expect(() => move(clock)).toThrow(ClockWentBackwardsError);
    expect(clock.now()).toBe(T0);
  });

  it('reports the times involved in the error', () => {
    const clock = new VirtualClock(T0 + 1000);
    try {
      clock.set(T0);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'CLOCK_WENT_BACKWARDS', from: T0 + 1000, to: T0, retryable: false });
    }
  });

  it('rejects a non-finite start time', () => {
    expect(() => new VirtualClock(Number.NaN)).toThrow(ClockWentBackwardsError);
  });
});
