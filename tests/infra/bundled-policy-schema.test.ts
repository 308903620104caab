/**
 * The policy schema as bundled for Lambda, where lib/bundle-stand-ins.ts stands in for zod's JSON Schema generation:
 * validation gives exactly what the source gives; only generating JSON Schema is refused.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../lib/bundle-options.js';
import * as source from '../../shared/domain/policy.js';

type Bundled = typeof import('./fixtures/bundled-policy.js');

let dir: string;
let bundled: Bundled;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-policy-bundle-'));
  await build(esbuildOptions(path.join(import.meta.dirname, 'fixtures', 'bundled-policy.ts'), dir));
  bundled = (await import(pathToFileURL(path.join(dir, 'index.mjs')).href)) as Bundled;
}, 60_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the policy schema as bundled for Lambda', () => {
  it('validates documents exactly as the source does: defaults, a valid change, unknown keys, bad values', () => {
    const documents: unknown[] = [
      {}, { mode: 'DRY_RUN' }, { risk: { maxPositionPct: 250 }, bogus: true }, { mode: 'LIVE' }, { risk: { maxOpenPositions: 'many' } }, [],
    ];
    for (const doc of documents) expect(bundled.validatePolicy(doc), JSON.stringify(doc)).toEqual(source.validatePolicy(doc));
    expect(bundled.defaultPolicy()).toEqual(source.defaultPolicy());
  });

  it('refuses to generate JSON Schema (zod\'s generator is not shipped)', () => {
    expect(() => bundled.toJSONSchema()).toThrow(/zod JSON Schema toJSONSchema is not bundled/);
  });
});
