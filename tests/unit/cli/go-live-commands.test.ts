import { describe, expect, it } from 'vitest';
import { cliHarness } from './cli-harness.js';

describe('go-live commands on the command line', () => {
  it('refuses a sign-off without a valid role, a signer or a note (exit 2, nothing written)', async () => {
    const h = cliHarness();
    expect(await h.run('signoff', '--role', 'Risk Officer', '--by', 'rick', '--note', 'ok')).toMatchObject({ code: 2, err: expect.stringMatching(/--role must be a lower-case role name/) });
    expect(await h.run('signoff', '--role', 'risk', '--note', 'ok')).toMatchObject({ code: 2, err: expect.stringMatching(/--by is required/) });
    expect(await h.run('signoff', '--role', 'risk', '--by', 'rick')).toMatchObject({ code: 2, err: expect.stringMatching(/--note is required/) });
    expect(await h.run('signoff', 'lits')).toMatchObject({ code: 2, err: expect.stringMatching(/unknown argument lits/) });
  });

  it('refuses an override without a reason, and go-live-record without exactly one input', async () => {
    const h = cliHarness();
    expect(await h.run('go-live-override', '--by', 'olga')).toMatchObject({ code: 2, err: expect.stringMatching(/--reason is required/) });
    expect(await h.run('go-live-record', '--by', 'ana')).toMatchObject({ code: 2, err: expect.stringMatching(/exactly one of --walk-forward FILE and --cost-sweep FILE/) });
  });

  it('documents go-live-check\'s options in its help', async () => {
    const { code, out } = await cliHarness().run('go-live-check', '--help');
    expect(code).toBe(0);
    expect(out).toMatch(/--record[\s\S]*--policy FILE[\s\S]*UNKNOWN counts as not passed/);
  });
});
