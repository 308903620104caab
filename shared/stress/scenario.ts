/** One pass criterion of a stress scenario: what it must be, what was measured, and the verdict. */
export interface Criterion {
  readonly name: string;
  readonly expected: string;
  readonly measured: string;
  readonly pass: boolean;
}

/** Options of one scenario run. `sabotage` names a deliberate defect (the scenario's self-test: its criteria must then FAIL). */
export interface ScenarioOptions {
  readonly sabotage?: string;
}

/** A named stress scenario: it runs the embedded pipeline under one kind of stress (observe) and judges the outcome (judge). */
export interface Scenario<O = unknown> {
  readonly name: string;
  readonly title: string;
  /** Fast scenarios (a few seconds each) also run in `npm test`. */
  readonly fast: boolean;
  /** Defects `sabotage` accepts, each with the criterion it must break. */
  readonly sabotages: Readonly<Record<string, string>>;
  observe(options?: ScenarioOptions): Promise<O>;
  /** Pure: the criteria of one observation (tests tamper with observations to show each criterion can fail). */
  judge(o: O): readonly Criterion[];
}

/** A criterion from a verdict and its two sides. */
export function criterion(name: string, expected: string, measured: string | number, pass: boolean): Criterion {
  return { name, expected, measured: String(measured), pass };
}

/** measured ≥ min. */
export function atLeast(name: string, measured: number, min: number): Criterion {
  return criterion(name, `≥ ${min}`, measured, measured >= min);
}

/** measured ≤ max. */
export function atMost(name: string, measured: number, max: number): Criterion {
  return criterion(name, `≤ ${max}`, measured, measured <= max);
}

/** measured = expected (compared as strings). */
export function equals(name: string, measured: string | number, expected: string | number): Criterion {
  return criterion(name, `= ${expected}`, measured, String(measured) === String(expected));
}

/** Throws on a sabotage name the scenario does not know, so a typo never passes as a self-test. */
export function checkSabotage(scenario: Pick<Scenario, 'name' | 'sabotages'>, options: ScenarioOptions | undefined): string | undefined {
  const s = options?.sabotage;
  if (s !== undefined && !(s in scenario.sabotages)) throw new Error(`scenario ${scenario.name}: unknown sabotage "${s}" (known: ${Object.keys(scenario.sabotages).join(', ')})`);
  return s;
}
