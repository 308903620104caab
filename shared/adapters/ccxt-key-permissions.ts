/**
 * What the exchange says an API key may do. Binance reports it (SAPI GET /sapi/v1/account/apiRestrictions:
 * enableWithdrawals); for an exchange that does not, the answer is undefined (the go-live check is then UNKNOWN).
 */
import type { Exchange as CcxtClient } from 'ccxt';

/** Whether the client's API key may withdraw funds, as the exchange reports it; undefined where it reports nothing. */
export async function keyMayWithdraw(client: CcxtClient): Promise<boolean | undefined> {
  if (client.id !== 'binance') return undefined;
  const restrictions = await (client as unknown as { sapiGetAccountApiRestrictions(): Promise<Record<string, unknown>> }).sapiGetAccountApiRestrictions();
  const flag = restrictions['enableWithdrawals'];
  return typeof flag === 'boolean' ? flag : undefined;
}
