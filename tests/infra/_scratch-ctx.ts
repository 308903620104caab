import * as fs from 'node:fs';
import { buildApp } from '../../lib/app.js';
const out = fs.mkdtempSync('/tmp/ctx-');
const { app } = buildApp({ 'aws:cdk:bundling-stacks': [] }, { nag: false, outdir: out });
app.synth();
for (const d of fs.readdirSync(out)) if (fs.existsSync(`${out}/${d}/functions/market-stream`)) console.log(fs.readdirSync(`${out}/${d}`, { recursive: true }).filter((f) => !String(f).includes('/')||true).slice(0, 200).join('\n'));
