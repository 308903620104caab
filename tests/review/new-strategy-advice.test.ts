import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliHarness } from '../unit/cli/cli-harness.js';

const dir = fs.mkdtempSync(path.join(process.cwd(), '.tmp-new-strategy-review-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('stratus new-strategy tells how to run the test it wrote', () => {
  it('says what to add to vitest.config.ts for a folder it does not include (a bare npx vitest run DIR/NAME.test.ts finds no test files)', async () => {
    const r = await cliHarness().run('new-strategy', 'review-dip', '--dir', path.join(dir, 'mine'));
    expect(r.code).toBe(0);
    const rel = path.relative(process.cwd(), path.join(dir, 'mine', 'review-dip.test.ts'));
    expect(r.out).toContain(`test it:      vitest.config.ts runs only tests/ and strategies/: add '${path.dirname(rel)}/**/*.test.ts' to its test.include, then npx vitest run ${rel}`);
  });

});
