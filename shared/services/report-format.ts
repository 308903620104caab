/** Epoch ms as an ISO time to the second (UTC). */
export function iso(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
