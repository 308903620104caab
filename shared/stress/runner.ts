import { parseArgs } from 'node:util';
import { SCENARIOS } from './scenarios/index.js';
import type { Criterion, Scenario } from './scenario.js';

/** One scenario's outcome. */
export interface ScenarioOutcome {
  readonly name: string;
  readonly criteria: readonly Criterion[];
  readonly pass: boolean;
  readonly seconds: number;
  readonly error?: string;
}

const USAGE = `usage: npm run stress -- [--list] [--fast] [--scenario NAME]... [--sabotage NAME]
  --list            the scenarios, their criteria's self-test sabotages, and which are fast
  --fast            only the fast scenarios (the ones npm test runs)
  --scenario NAME   run this scenario (repeatable, or a comma list); default: all
  --sabotage NAME   with one --scenario: inject that deliberate defect (its criteria must FAIL)
  --self-test       run every sabotage of the chosen scenarios and check it fails the criterion it names
exit 0 when every criterion passes, 1 when one fails, 2 on a usage error`;

/** Runs one scenario and prints its criteria, measured values and verdict. A scenario that throws fails. */
export async function runScenario(s: Scenario, print: (line: string) => void, sabotage?: string): Promise<ScenarioOutcome> {
  print(`\n== ${s.name}${sabotage ? ` (sabotage: ${sabotage})` : ''}: ${s.title}`);
  const started = performance.now();
  let criteria: readonly Criterion[] = [];
  let error: string | undefined;
  try {
    criteria = s.judge(await quietly(() => s.observe(sabotage ? { sabotage } : {})));
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const seconds = (performance.now() - started) / 1000;
  const width = Math.max(10, ...criteria.map((c) => c.name.length));
  for (const c of criteria) print(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.name.padEnd(width)}  expected ${c.expected}; measured ${c.measured}`);
  if (error) print(`  FAIL  scenario threw: ${error}`);
  const pass = !error && criteria.length > 0 && criteria.every((c) => c.pass);
  print(`  => ${pass ? 'PASS' : 'FAIL'} (${criteria.filter((c) => c.pass).length}/${criteria.length} criteria, ${seconds.toFixed(1)} s)`);
  return { name: s.name, criteria, pass, seconds, ...(error ? { error } : {}) };
}

/** The summary table printed at the end (markdown, so the README can show it). */
export function summaryTable(outcomes: readonly ScenarioOutcome[]): string {
  const rows = outcomes.map((o) => {
    const failed = o.criteria.filter((c) => !c.pass).map((c) => c.name);
    const note = o.error ? `threw: ${o.error}` : failed.length ? `failed: ${failed.join('; ')}` : '';
    return `| ${o.name} | ${o.pass ? 'PASS' : 'FAIL'} | ${o.criteria.filter((c) => c.pass).length}/${o.criteria.length} | ${o.seconds.toFixed(1)} | ${note} |`;
  });
  return ['| scenario | result | criteria passed | seconds | notes |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** `npm run stress`: parses the arguments, runs the chosen scenarios, prints the summary table; returns the exit code. */
export async function runStress(
  argv: readonly string[], print: (line: string) => void = (l) => process.stdout.write(`${l}\n`), scenarios: readonly Scenario[] = SCENARIOS,
): Promise<number> {
  let values: { list?: boolean; fast?: boolean; 'self-test'?: boolean; scenario?: string[]; sabotage?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv], strict: true, allowPositionals: false,
      options: { list: { type: 'boolean' }, fast: { type: 'boolean' }, 'self-test': { type: 'boolean' }, scenario: { type: 'string', multiple: true }, sabotage: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (e) {
    print(`stress: ${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  if (values.help) { print(USAGE); return 0; }
  if (values.list) {
    for (const s of scenarios) print(`${s.name.padEnd(24)} ${s.fast ? 'fast' : 'slow'}  ${s.title}\n${' '.repeat(31)}sabotages: ${Object.entries(s.sabotages).map(([k, v]) => `${k} (breaks "${v}")`).join(', ') || 'none (criteria self-tested on tampered runs)'}`);
    return 0;
  }
  const names = (values.scenario ?? []).flatMap((n) => n.split(',')).filter(Boolean);
  const unknown = names.filter((n) => !scenarios.some((s) => s.name === n));
  if (unknown.length) { print(`stress: unknown scenario ${unknown.join(', ')} (known: ${scenarios.map((s) => s.name).join(', ')})`); return 2; }
  if (values.sabotage && names.length !== 1) { print('stress: --sabotage needs exactly one --scenario'); return 2; }
  const chosen = scenarios.filter((s) => (names.length ? names.includes(s.name) : !values.fast || s.fast));
  if (values['self-test']) return selfTest(chosen, print);
  const outcomes: ScenarioOutcome[] = [];
  for (const s of chosen) outcomes.push(await runScenario(s, print, values.sabotage));
  print(`\n${summaryTable(outcomes)}`);
  const failed = outcomes.filter((o) => !o.pass).length;
  print(`\n${outcomes.length - failed}/${outcomes.length} scenarios passed`);
  return failed ? 1 : 0;
}

/** Runs each sabotage of each scenario; passes when every one fails the criterion it names (else a criterion could not fail). */
async function selfTest(scenarios: readonly Scenario[], print: (line: string) => void): Promise<number> {
  const rows: string[] = [];
  let broken = 0;
  for (const s of scenarios) {
    for (const [sabotage, criterionName] of Object.entries(s.sabotages)) {
      const outcome = await runScenario(s, print, sabotage);
      const failed = outcome.criteria.some((c) => c.name === criterionName && !c.pass);
      if (!failed) broken++;
      rows.push(`| ${s.name} | ${sabotage} | ${criterionName} | ${failed ? 'FAILS as it must' : 'STILL PASSES'} |`);
    }
  }
  print(`\n${['| scenario | sabotage | criterion it must break | result |', '|---|---|---|---|', ...rows].join('\n')}`);
  print(`\n${rows.length - broken}/${rows.length} sabotages caught`);
  return broken ? 1 : 0;
}

/** Runs fn with Powertools' "No application metrics to publish" warnings (metrics are disabled locally) held back. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => { if (!String(args[0]).startsWith('No application metrics')) warn(...args); };
  try { return await fn(); } finally { console.warn = warn; }
}
