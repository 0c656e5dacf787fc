// The one error the infra command reports without a stack trace: its message says what to do.
export class InfraError extends Error {
  override readonly name = 'InfraError';
}
