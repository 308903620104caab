import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { ReasonCode } from '../../../shared/domain/decision.js';
import { RISK_GUARDS } from '../../../shared/domain/risk/guards.js';

/** Codes a decision carries that no guard gives: the risk service's own refusals and DRY_RUN. */
const SERVICE_CODES: readonly ReasonCode[] = ['STATE_UNREADABLE', 'NO_MARKET_PRICE', 'SYMBOL_NOT_TRADED', 'DRY_RUN'];

describe('the README decision reason codes table', () => {
  it('has a row for every code a guard or the risk service gives (REGIME_BLOCKED included), and no row for a code that does not exist', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('### Decision reason codes');
    const section = readme.slice(start, readme.indexOf('\n#', start + 1));
    const rows = [...section.matchAll(/^\| (`[A-Z_]+`(?: \/ `[A-Z_]+`)*) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([A-Z_]+)`/g)].map((x) => x[1]!));
    const codes = [...new Set([...RISK_GUARDS.map((g) => g.code), ...SERVICE_CODES])];
    expect(rows.filter((r) => !codes.includes(r as ReasonCode))).toEqual([]);
    expect(codes.filter((c) => !rows.includes(c)).sort()).toEqual([]);
    expect(rows).toContain('REGIME_BLOCKED');
  });
});
