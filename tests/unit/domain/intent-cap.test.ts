import { describe, expect, it } from 'vitest';
import { capIntents } from '../../../shared/domain/intent-cap.js';
import { intentIdFor, type Intent, type IntentKind } from '../../../shared/domain/intent.js';

const intent = (symbol: string, kind: IntentKind, score: number): Intent => ({
  intentId: intentIdFor('s', symbol, kind === 'entry' ? 'buy' : 'sell', 1), strategy: 's', symbol, side: kind === 'entry' ? 'buy' : 'sell', kind,
  candleCloseTime: 1, referencePrice: '1', score, reason: 'r', createdAt: 1, policyHash: 'h', policyVersion: 1,
});

describe('capIntents (signals.maxIntentsPerCycle)', () => {
  it('keeps every intent when the cycle is within the cap', () => {
    const all = [intent('A/USDT', 'entry', 1), intent('B/USDT', 'entry', 2)];
    expect(capIntents(all, 2)).toEqual({ kept: all, dropped: [] });
  });

  it('keeps the best-scored entries in their original order and drops the rest, ranked', () => {
    const [a, b, c, d] = [intent('A/USDT', 'entry', 1), intent('B/USDT', 'entry', 9), intent('C/USDT', 'entry', 5), intent('D/USDT', 'entry', 3)];
    const out = capIntents([a!, b!, c!, d!], 2);
    expect(out.kept).toEqual([b, c]);
    expect(out.dropped).toEqual([d, a]);
  });

  it('never drops an exit, even when exits alone pass the cap', () => {
    const exits = [intent('A/USDT', 'exit', -3), intent('B/USDT', 'exit', -1)];
    const entry = intent('C/USDT', 'entry', 100);
    const out = capIntents([entry, ...exits], 1);
    expect(out.kept).toEqual(exits);
    expect(out.dropped).toEqual([entry]);
  });

  it('breaks score ties by intent id, whatever order the signals came in', () => {
    const all = ['A/USDT', 'B/USDT', 'C/USDT', 'D/USDT', 'E/USDT'].map((s) => intent(s, 'entry', 7));
    const forward = capIntents(all, 2);
    const backward = capIntents([...all].reverse(), 2);
    expect(new Set(forward.kept)).toEqual(new Set(backward.kept));
    expect(forward.kept.map((i) => i.intentId).sort()).toEqual(all.map((i) => i.intentId).sort().slice(0, 2));
  });
});
