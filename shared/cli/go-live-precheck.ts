/**
 * `policy set` / `policy rollback` of a LIVE document: checked again against the deployment facts the functions use
 * (go-live records: LIVE_NOT_READY; exchange keys: LIVE_WITHOUT_KEYS), so the refusal comes before the write, not after.
 */
import type { ValidationContext } from '../domain/policy.js';
import type { CliContext } from './cli-context.js';
import { checkDocument, type CheckedDocument } from './policy-files.js';

/** A policy store that can tell which deployment facts a LIVE document is validated against (DynamoPolicyStore). */
interface FactsSource {
  liveValidation(): Promise<ValidationContext>;
}

/** `checked` again under the store's deployment facts when it is a valid LIVE document and the store has them; else `checked`. */
export async function withDeploymentFacts(ctx: Pick<CliContext, 'policies'>, checked: CheckedDocument, base: ValidationContext): Promise<CheckedDocument> {
  if (!checked.ok || checked.policy.mode !== 'LIVE') return checked;
  const store = ctx.policies() as Partial<FactsSource>;
  if (typeof store.liveValidation !== 'function') return checked;
  return checkDocument(checked.document, { ...base, ...(await store.liveValidation()) });
}
