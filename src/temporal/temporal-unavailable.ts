// Recognises "Temporal cannot take this now": unreachable (503) or busy (429, e.g. the 11th update in flight to one
// incident, or the intake log's backlog full); both answered with Retry-After instead of 500, and retried by the Kafka intake.
// gRPC status codes (grpc/doc/statuscodes.md): 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED, 8 RESOURCE_EXHAUSTED.
const UNREACHABLE_CODES = new Set([14, 4]);
const BUSY_CODE = 8;

/** The HTTP answer for a Temporal that cannot take the request now; undefined for any other error. */
export interface TemporalRefusal { status: 503 | 429; retryAfterS: number; error: string }

export function temporalRefusal(err: unknown): TemporalRefusal | undefined {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    // The intake log holds as many undelivered alerts as it may (alert-delivery.ts): the same answer, from the engine.
    if (e instanceof Error && e.name === 'IntakeBacklog') return { status: 429, retryAfterS: (e as Error & { retryAfterS: number }).retryAfterS, error: e.message };
    const code = (e as { code?: unknown }).code;
    if (code === BUSY_CODE || (e instanceof Error && /RESOURCE_EXHAUSTED|too many (outstanding|in-flight|concurrent)/i.test(e.message))) {
      return { status: 429, retryAfterS: 2, error: 'Temporal is busy with this incident (at most 10 updates in flight per incident); retry shortly' };
    }
    if (UNREACHABLE_CODES.has(code as number) || (e instanceof Error && /ECONNREFUSED|Connection dropped|failed to connect/i.test(e.message))) {
      return { status: 503, retryAfterS: 5, error: 'Temporal is unreachable; retry later' };
    }
  }
  return undefined;
}

export function temporalUnavailable(err: unknown): boolean {
  return temporalRefusal(err) !== undefined;
}
