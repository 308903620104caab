import { describe, expect, it } from 'vitest';
import { npmSwallowedFlags, npmSwallowedMessage } from '../../../shared/cli/npm-flags.js';
import { runCli } from '../../../shared/cli/run-cli.js';

/** What npm 10 and 11 export for `npm start --symbols BTC/USDT --json s.json` (checked on a fixture script). */
const NPM_START_ENV = {
  npm_lifecycle_event: 'start', npm_command: 'start', npm_config_symbols: 'true', npm_config_json: 'true',
  npm_config_cache: '/root/.npm', npm_config_yes: '', npm_config_user_agent: 'npm/11.19.1 node/v24.21.0 linux x64 workspaces/false',
};

describe('flags npm kept for itself', () => {
  it('finds the command\'s options npm exported as npm_config_<name> under an npm script, absent from argv', () => {
    expect(npmSwallowedFlags(NPM_START_ENV, ['symbols', 'from', 'json', 'log-level'], ['BTC/USDT', 's.json'])).toEqual(['symbols', 'json']);
    expect(npmSwallowedFlags({ npm_lifecycle_event: 'stratus', npm_config_log_level: 'true' }, ['log-level'], [])).toEqual(['log-level']);
    expect(npmSwallowedFlags({ npm_lifecycle_event: 'start', npm_config_symbols: 'BTC/USDT' }, ['symbols'], [])).toEqual(['symbols']);
  });

  it('finds none when the flags came through (npm start -- --symbols …), outside npm scripts, or under npx', () => {
    expect(npmSwallowedFlags(NPM_START_ENV, ['symbols', 'json'], ['--symbols', 'BTC/USDT', '--json=s.json'])).toEqual([]);
    expect(npmSwallowedFlags({ ...NPM_START_ENV, npm_lifecycle_event: undefined }, ['symbols'], [])).toEqual([]);
    expect(npmSwallowedFlags({ ...NPM_START_ENV, npm_lifecycle_event: 'npx' }, ['symbols'], [])).toEqual([]);
    expect(npmSwallowedFlags(NPM_START_ENV, ['from', 'cache-dir'], [])).toEqual([]);
  });

  it('tells the fix for npm start and npm run stratus in one line', () => {
    expect(npmSwallowedMessage(NPM_START_ENV, 'start', ['symbols'])).toBe(
      'npm kept --symbols for itself (its value went on as bare arguments); use npm start -- --symbols … (or npx stratus start --symbols …)');
    expect(npmSwallowedMessage({ npm_lifecycle_event: 'stratus' }, 'backtest', ['strategy', 'data'])).toMatch(
      /^npm kept --strategy, --data for itself .*; use npm run stratus -- backtest --strategy … --data … \(or npx stratus backtest --strategy … --data …\)$/);
  });

  it('makes `stratus start` under `npm start --symbols X` exit 2 with the fix instead of running without the flag', async () => {
    const saved = { ...process.env };
    const err: string[] = [];
    const write = process.stderr.write;
    Object.assign(process.env, { npm_lifecycle_event: 'start', npm_config_symbols: 'true' });
    process.stderr.write = ((text: string) => { err.push(text); return true; }) as typeof process.stderr.write;
    try {
      expect(await runCli(['start', '--from', '2030-01-01', '--to', '2030-01-02', 'BTC/USDT'])).toBe(2);
    } finally {
      process.stderr.write = write;
      for (const k of ['npm_lifecycle_event', 'npm_config_symbols']) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
    }
    expect(err.join('')).toBe('stratus start: npm kept --symbols for itself (its value went on as bare arguments); use npm start -- --symbols … (or npx stratus start --symbols …)\n');
  });
});
