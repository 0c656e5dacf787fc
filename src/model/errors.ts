// The error catalogue: every failure kafka-ir reports has a code, says whether retrying can help, and tells a person what to do.
export const ERROR_CODES = {
  INVALID_CONFIG: { retryable: false },
  INVALID_RUNBOOK: { retryable: false },
  PROTECTED_PRINCIPAL: { retryable: false },
  UNSAFE_PLAN: { retryable: false },
  PLAN_DRIFT: { retryable: false },
  KAFKA_AUTH: { retryable: false },
  KAFKA_UNAVAILABLE: { retryable: true },
  KAFKA_REJECTED: { retryable: false },
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export class KafkaIrError extends Error {
  override name = 'KafkaIrError';
  readonly retryable: boolean;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** What the on-call person can do about it. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(hint ? `${message} — ${hint}` : message, options);
    this.retryable = ERROR_CODES[code].retryable;
  }
}
