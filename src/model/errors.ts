// The error catalogue: every failure kafka-ir reports has a code, says whether retrying can help, and tells a person what to do.
export const ERROR_CODES = {
  INVALID_CONFIG: { retryable: false },
  INVALID_RUNBOOK: { retryable: false },
  PROTECTED_PRINCIPAL: { retryable: false },
  UNSAFE_PLAN: { retryable: false },
  PLAN_DRIFT: { retryable: false },
  KAFKA_AUTH: { retryable: false },
  KAFKA_UNAVAILABLE: { retryable: true },
  /** A TLS handshake with a broker failed on a certificate (wrong CA, expired, host not named, client certificate refused). */
  KAFKA_TLS: { retryable: false },
  KAFKA_REJECTED: { retryable: false },
  ENGINE_UNREACHABLE: { retryable: true },
  SECRET_SINK_FAILED: { retryable: true },
  /** kafka.access.verify: brokers do not (yet) enforce what was expected; KRaft metadata takes a moment to reach every broker. */
  ACCESS_NOT_AS_EXPECTED: { retryable: true },
  /** Partition reassignments still moving data: retried until they finish. */
  REASSIGNMENT_IN_PROGRESS: { retryable: true },
  /** Partition reassignments that moved neither a partition nor a byte for the settings' `reassignment.stallAfter`. */
  REASSIGNMENT_STALLED: { retryable: false },
  /** kafka.health.verify with expectHealthy: the cluster has not (yet) recovered. */
  CLUSTER_UNHEALTHY: { retryable: true },
  /** kafka.broker.isolate: the site's fence command failed; a person must look at it. */
  FENCE_FAILED: { retryable: false },
  /** kafka.baseline.diff: the baseline named is missing, outside the evidence directory, or modified. */
  BASELINE_UNUSABLE: { retryable: false },
  /** siem.export: Splunk HEC refused the token, the index or the request; configuration a person must fix. */
  SIEM_REJECTED: { retryable: false },
  /** siem.export: Splunk HEC is busy, failing (5xx) or unreachable. */
  SIEM_UNAVAILABLE: { retryable: true },
  /** siem.export: the evidence directory is missing, outside the evidence store, or no longer matches its manifest. */
  EVIDENCE_UNUSABLE: { retryable: false },
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
