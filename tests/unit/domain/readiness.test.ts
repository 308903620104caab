import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../../shared/domain/policy.js';
import { READINESS_CODES, readinessMissing, type ReadinessFacts } from '../../../shared/domain/readiness.js';

const goLive = defaultPolicy().goLive;
const AT = Date.UTC(2024, 3, 1);
const passed = { at: AT, passed: true, by: 'op', checks: READINESS_CODES.map((code) => ({ code, status: 'PASS' as const, evidence: '' })) };
const sign = (role: string, by: string, at: number) => ({ role, by, at, note: '' });

describe('readinessMissing', () => {
  it.each<[string, ReadinessFacts, RegExp[]]>([
    ['nothing on record', { signoffs: [] }, [/no go-live-check verdict/, /role trader/, /role risk/]],
    ['a passing verdict, no sign-offs', { verdict: passed, signoffs: [] }, [/role trader after the verdict/, /role risk after the verdict/]],
    ['sign-offs made before the verdict', { verdict: passed, signoffs: [sign('trader', 'tess', AT - 1), sign('risk', 'rick', AT - 1)] }, [/role trader/, /role risk/]],
    ['a failed verdict, signed off', { verdict: { ...passed, passed: false, checks: [{ code: 'PAPER_HISTORY', status: 'FAIL', evidence: '' }] }, signoffs: [sign('trader', 'tess', AT), sign('risk', 'rick', AT)] }, [/did not pass: PAPER_HISTORY FAIL/]],
    ['an override signed off by its own author', { signoffs: [sign('override', 'olga', AT + 1)], override: { by: 'olga', reason: 'r', at: AT } }, [/the override by olga needs a sign-off in role override by someone else/]],
    ['an override signed off by someone else before it', { signoffs: [sign('override', 'rick', AT - 1)], override: { by: 'olga', reason: 'r', at: AT } }, [/the override by olga/]],
    ['unreadable records', { signoffs: [], unreadable: 'AccessDenied' }, [/go-live records unreadable \(AccessDenied\)/]],
  ])('lists what is missing: %s', (_label, facts, expected) => {
    const missing = readinessMissing(goLive, facts).join('\n');
    for (const e of expected) expect(missing).toMatch(e);
  });

  it.each<[string, ReadinessFacts]>([
    ['a passing verdict and every required role signed off at or after it', { verdict: passed, signoffs: [sign('trader', 'tess', AT), sign('risk', 'rick', AT + 5)] }],
    ['an override signed off after it by someone else', { signoffs: [sign('override', 'rick', AT + 1)], override: { by: 'olga', reason: 'r', at: AT } }],
  ])('is empty (ready) with %s', (_label, facts) => {
    expect(readinessMissing(goLive, facts)).toEqual([]);
  });
});
