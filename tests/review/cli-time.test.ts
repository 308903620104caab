import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTime } from '../../shared/cli/cli-args.js';

const utc = (iso: string) => Date.parse(iso);

describe('--from/--to are UTC whatever the machine time zone', () => {
  let saved: string | undefined;
  beforeEach(() => { saved = process.env.TZ; process.env.TZ = 'America/New_York'; });
  afterEach(() => { if (saved === undefined) delete process.env.TZ; else process.env.TZ = saved; });

  it.each([
    ['2021-05-18', '2021-05-18T00:00:00Z'],
    ['2021-05-18T10:00', '2021-05-18T10:00:00Z'],
    ['2021-05-18T10:00:30', '2021-05-18T10:00:30Z'],
    ['2021-05-18 10:00', '2021-05-18T10:00:00Z'],
    ['2021-05-18T10:00:00Z', '2021-05-18T10:00:00Z'],
    ['2021-05-18T12:00:00+02:00', '2021-05-18T10:00:00Z'],
    ['2021', '2021-01-01T00:00:00Z'],
  ])('reads %s as %s (a time without an offset is UTC, not local time)', (text, iso) => {
    expect(parseTime(text, '--from')).toBe(utc(iso));
  });

  it.each(['2021-02-30', '2021-04-31', '2021-13-01', '2021-05-18T24:30', 'May 18 2021', '18/05/2021', '1621296000000'])(
    'refuses %s instead of reading another day or the local time zone', (text) => {
      expect(() => parseTime(text, '--from')).toThrow(/--from: not an ISO date or time/);
    });
});
