import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_CHECKS } from '../../../shared/domain/policy-document.js';
import { DEPRECATED_KEY_CHECK, SANITY_CHECKS } from '../../../shared/domain/policy-sanity.js';

describe('the README sanity-check table', () => {
  it('lists every sanity check and document-level refusal with its severity, and no check that does not exist', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Sanity checks'), readme.indexOf('## From PAPER to LIVE'));
    const rows = [...section.matchAll(/^\| `([A-Z_]+)` \| (error|warning) \|/gm)].map((m) => [m[1], m[2]]);
    const checks = [...SANITY_CHECKS, DEPRECATED_KEY_CHECK, ...DOCUMENT_CHECKS].map((c) => [c.code, c.severity]);
    expect(rows).toEqual(checks);
  });
});
