import { describe, expect, it } from 'vitest';
import { money } from '../../../shared/domain/money.js';
import { measurePortfolio } from '../../../shared/services/measure-portfolio.js';
import { tripKillSwitchNow } from '../../../shared/services/trip-kill-switch.js';
import { buildWorld, editLedger, ledgerHolding, M, RecordingStateStore, seedBook, setPolicy } from './support.js';

const BTC = 'BTC/USDT';

/** The world's state store, counting kill-switch reads. */
class CountingStateStore extends RecordingStateStore {
  killSwitchReads = 0;
  override async getKillSwitch() { this.killSwitchReads++; return super.getKillSwitch(); }
}

describe('measurePortfolio on a TRIPPED kill switch', () => {
  it('reads the switch once per cycle: the unfinished-sweep pass reuses that read, and changes nothing', async () => {
    const state = new CountingStateStore();
    const w = { ...buildWorld(), state };
    await setPolicy(w, { symbols: [BTC], killSwitch: { cancelOpenEntriesOnTrip: true } });
    await editLedger(w, () => ledgerHolding(BTC, '0.1', '5000', w.clock.now()));
    await tripKillSwitchNow(w, { reason: 'operator halt', by: 'ops' });
    const before = await state.getKillSwitch();
    w.clock.advance(M);
    await seedBook(w, BTC, '50000', money(50000.01));
    state.killSwitchReads = 0;
    const snap = await measurePortfolio(w);
    expect(snap.killSwitch).toBe('TRIPPED');
    expect(state.killSwitchReads).toBe(1);
    expect(await state.getKillSwitch()).toEqual(before);
    expect(w.alerts.ofKind('KILL_SWITCH_TRIPPED')).toHaveLength(1);
  });
});
