import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEALTH } from '../../lib/market-stream.js';
import { ESM_REQUIRE_BANNER, REPO_ROOT } from '../../lib/stratus-function.js';
import { buildForTest } from './template-helpers.js';

const dockerfile = fs.readFileSync(path.join(REPO_ROOT, 'functions/market-stream/Dockerfile'), 'utf8');
let outdir: string;
let context: string;

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratus-image-'));
  buildForTest({}, { outdir }).app.synth();
  const dirs = fs.readdirSync(outdir).map((d) => path.join(outdir, d)).filter((d) => fs.existsSync(path.join(d, 'functions/market-stream/Dockerfile')));
  expect(dirs).toHaveLength(1);
  context = dirs[0]!;
});
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

describe('market-stream image', () => {
  it('sends only what the image build reads as the Docker build context', () => {
    expect(fs.readdirSync(context).sort()).toEqual(['.dockerignore', 'functions', 'package-lock.json', 'package.json', 'shared', 'tsconfig.json']);
    expect(fs.readdirSync(path.join(context, 'functions'))).toEqual(['market-stream']);
    const all = fs.readdirSync(context, { recursive: true }).map(String);
    expect(all.filter((f) => f.includes('node_modules') || f.endsWith('.test.ts'))).toEqual([]);
  });

  it('builds in two stages on node:24-slim and bundles main.ts to ESM with the require banner', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-slim$/m);
    expect(dockerfile).toMatch(/npm ci/);
    expect(dockerfile).toContain('esbuild functions/market-stream/main.ts');
    expect(dockerfile).toContain('--format=esm');
    expect(dockerfile).toContain(`"--banner:js=${ESM_REQUIRE_BANNER}"`);
  });

  it('runs as a non-root user with a health check on the stream’s health endpoint', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER (node|[1-9]\d*)(:\S+)?$/m);
    expect(runtime).toContain(`http://127.0.0.1:${HEALTH.port}${HEALTH.path}`);
    expect(runtime).toMatch(/^HEALTHCHECK /m);
    expect(runtime).toMatch(/^CMD \["node", "main\.mjs"\]$/m);
  });
});
