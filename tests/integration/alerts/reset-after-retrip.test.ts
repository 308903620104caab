/** A reset that closes a trip is always sent, even inside the dedup window of an earlier reset (dynalite + fauxqs). */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/ports.js';
import { useAlertEnv } from './alert-env.js';

const env = useAlertEnv('reretrip');
const T0 = Date.UTC(2025, 0, 6, 7, 0, 0);
const S = 1000;
const trip = (at: number): Alert => ({ severity: 'critical', kind: 'KILL_SWITCH_TRIPPED', at, title: 'Kill switch tripped: MAX_DRAWDOWN by metrics', message: 'm' });
const reset = (at: number): Alert => ({ severity: 'warning', kind: 'KILL_SWITCH_RESET', at, title: 'Kill switch reset by alice', message: 'm' });

describe('kill switch reset alerts', () => {
  it('sends the second reset of a switch that tripped again within 60 s of the first reset, marked resolved', async () => {
    const alerts = env.alerts();
    await alerts.publish(trip(T0));
    await alerts.publish(reset(T0 + 10 * S));
    await alerts.publish(trip(T0 + 20 * S));
    await alerts.publish(reset(T0 + 40 * S));
    const sent = (await env.drain()).map((m) => [m.alert.kind, m.alert.at - T0, m.alert.resolved ?? false]);
    expect(sent).toEqual([
      ['KILL_SWITCH_TRIPPED', 0, false], ['KILL_SWITCH_RESET', 10 * S, true],
      ['KILL_SWITCH_TRIPPED', 20 * S, false], ['KILL_SWITCH_RESET', 40 * S, true],
    ]);
    expect(await alerts.escalateDue(T0 + 600 * S)).toBe(0); // the second trip was closed too
  });

  it('still counts a reset that closes nothing as a repeat inside its window', async () => {
    const alerts = env.alerts();
    await alerts.publish({ ...reset(T0 + 1_000 * S), key: 'other-switch' });
    await alerts.publish({ ...reset(T0 + 1_010 * S), key: 'other-switch' });
    expect(await env.drain()).toHaveLength(1);
  });
});
