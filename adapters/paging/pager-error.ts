// A pager's refusal as kafka-ir reports it: whether a retry can help, and how long the vendor asked us to wait. Never carries a key.

export class PagerError extends Error {
  override name = 'PagerError';
  constructor(message: string, readonly retryable: boolean, readonly code: string, readonly retryAfterS?: number) {
    super(message);
  }
}

/** Sends one JSON request; a network failure or timeout is retryable, as both vendors document for 5xx and 429. */
export async function postJson(url: string, body: unknown, headers: Record<string, string>, vendor: string): Promise<{ status: number; json: unknown; retryAfter?: string }> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new PagerError(`${vendor} could not be reached (${err instanceof Error ? err.message : String(err)})`, true, 'PAGER_UNREACHABLE');
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, ...(res.headers.get('retry-after') ? { retryAfter: res.headers.get('retry-after')! } : {}) };
}

/** The vendor's answer to anything but success: 429 and 5xx are retried, the rest is configuration or a bad event. */
export function refusal(vendor: string, status: number, detail: string, retryAfter?: string): PagerError {
  if (status === 429) return new PagerError(`${vendor} rate-limited the page (429): retried later`, true, 'PAGER_RATE_LIMITED', Number(retryAfter) || 60);
  if (status >= 500) return new PagerError(`${vendor} answered ${status}: retried`, true, 'PAGER_UNAVAILABLE');
  const hint = status === 401 || status === 403 ? ': check the key the roster names for this group' : '';
  return new PagerError(`${vendor} refused the page (${status}: ${detail})${hint}`, false, 'PAGER_REFUSED');
}
