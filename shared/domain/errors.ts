/** Base of every Stratus error: a stable code, whether a retry can help, and the cause. */
export class StratusError extends Error {
  override readonly name: string = 'StratusError';
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A stored state item (ledger, kill switch, order) could not be read or parsed: stop new orders. */
export class StateUnreadableError extends StratusError {
  override readonly name = 'StateUnreadableError';
  constructor(what: string, options?: { cause?: unknown }) {
    super('STATE_UNREADABLE', `state item unreadable: ${what}`, false, options);
  }
}

/** An order status change that ORDER_TRANSITIONS does not allow. */
export class IllegalTransitionError extends StratusError {
  override readonly name = 'IllegalTransitionError';
  constructor(from: string, to: string, orderId: string) {
    super('ILLEGAL_TRANSITION', `order ${orderId}: ${from} -> ${to} is not allowed`, false);
  }
}

/** A policy document that fails the schema or the sanity checks. */
export class PolicyInvalidError extends StratusError {
  override readonly name = 'PolicyInvalidError';
  constructor(readonly problems: readonly { path: string; message: string }[]) {
    super('POLICY_INVALID', `policy invalid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, false);
  }
}

/** An optimistic-concurrency write kept losing to other writers; retry the whole message later. */
export class ContentionError extends StratusError {
  override readonly name = 'ContentionError';
  constructor(what: string) {
    super('CONTENTION', `gave up after repeated conditional-write conflicts on ${what}`, true);
  }
}

/** A ledger operation that would break an invariant (e.g. selling more than is held). */
export class LedgerError extends StratusError {
  override readonly name = 'LedgerError';
  constructor(message: string) {
    super('LEDGER_INVARIANT', message, false);
  }
}

/** A policy names a strategy that is not in the registry. */
export class UnknownStrategyError extends StratusError {
  override readonly name = 'UnknownStrategyError';
  constructor(strategy: string, known: readonly string[]) {
    super('UNKNOWN_STRATEGY', `unknown strategy "${strategy}" (known: ${known.join(', ')})`, false);
  }
}

/** One problem with a strategy's params: the param it concerns ('' for the params as a whole) and why. */
export interface StrategyParamIssue {
  readonly param: string;
  readonly message: string;
}

/** Strategy params in the policy that the strategy cannot run with (unknown name, out of range). */
export class StrategyParamsError extends StratusError {
  override readonly name = 'StrategyParamsError';
  /** The problems one by one, each naming its param. */
  readonly issues: readonly StrategyParamIssue[];
  constructor(strategy: string, readonly problems: readonly string[], issues?: readonly StrategyParamIssue[]) {
    super('INVALID_STRATEGY_PARAMS', `strategy ${strategy}: ${problems.join('; ')}`, false);
    this.issues = issues ?? problems.map((message) => ({ param: '', message }));
  }
}

/** A strategy module that cannot be registered: it exports no valid strategy, or its name is taken. */
export class StrategyModuleError extends StratusError {
  override readonly name = 'StrategyModuleError';
  constructor(code: 'INVALID_STRATEGY_MODULE' | 'STRATEGY_NAME_TAKEN' | 'INVALID_STRATEGY_SIGNAL', message: string, options?: { cause?: unknown }) {
    super(code, message, false, options);
  }
}
