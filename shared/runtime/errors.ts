import { StratusError } from '../domain/errors.js';

/** The function's environment is missing or malformed: fail at cold start, never trade on a guess. */
export class ConfigError extends StratusError {
  override readonly name = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG_INVALID', message, false, options);
  }
}

/** A queue message whose body is not a valid intent/order: retried, then dead-lettered. */
export class MalformedMessageError extends StratusError {
  override readonly name = 'MalformedMessageError';
  constructor(messageId: string, options?: { cause?: unknown }) {
    super('MALFORMED_MESSAGE', `message ${messageId} is malformed`, false, options);
  }
}
