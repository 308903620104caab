import { readFile } from 'node:fs/promises';
import { validatePolicy } from '../domain/policy.js';
import { DynamoPolicyStore } from '../adapters/dynamo-policy-store.js';
import { dynamoDocumentClient } from '../adapters/aws-clients.js';
import { systemClock } from '../runtime/deps.js';
import { ENV } from '../resources.js';

/** `stratus policy validate|get|set`. validate is offline; get/set use POLICY_TABLE with your AWS credentials. */
export async function policyCommand(args: string[], values: { by?: string }): Promise<number> {
  const [sub, file] = args;
  if (sub === 'validate' || sub === 'set') {
    if (!file) throw new Error(`policy ${sub} needs a file`);
    const document = parseJson(await readFile(file, 'utf8'), file);
    const result = validatePolicy(document);
    if (!result.ok) {
      process.stderr.write(`${file}: ${result.problems.length} problem(s)\n`);
      for (const p of result.problems) process.stderr.write(`  ${p.path}: ${p.message}\n`);
      return 1;
    }
    if (sub === 'validate') { process.stdout.write(`${file}: valid (mode ${result.policy.mode})\n`); return 0; }
    if (!values.by) throw new Error('policy set needs --by <who>');
    const { version } = await store().write(document, { by: values.by, at: systemClock.now() });
    process.stdout.write(`policy v${version} written\n`);
    return 0;
  }
  if (sub === 'get') {
    const loaded = await store().peek();
    process.stdout.write(`${JSON.stringify({ version: loaded.version, source: loaded.source, hash: loaded.hash, rejected: loaded.rejected, policy: loaded.policy }, null, 2)}\n`);
    return 0;
  }
  throw new Error('usage: stratus policy validate <file> | get | set <file> --by <who>');
}

function store(): DynamoPolicyStore {
  const table = process.env[ENV.policyTable];
  if (!table) throw new Error(`set ${ENV.policyTable} to the deployed policy table name (stack output PolicyTableName)`);
  return new DynamoPolicyStore({ tableName: table, client: dynamoDocumentClient(), clock: systemClock });
}

function parseJson(text: string, file: string): unknown {
  try { return JSON.parse(text); } catch (e) { throw new Error(`${file}: not JSON: ${(e as Error).message}`); }
}
