// Recognises "Temporal is unreachable": the API answers it with 503 and Retry-After instead of 500, the Kafka intake retries.
// gRPC status codes (grpc/doc/statuscodes.md): 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED.
const UNREACHABLE_CODES = new Set([14, 4]);

export function temporalUnavailable(err: unknown): boolean {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if (UNREACHABLE_CODES.has((e as { code?: unknown }).code as number)) return true;
    if (e instanceof Error && /ECONNREFUSED|Connection dropped|failed to connect/i.test(e.message)) return true;
  }
  return false;
}
