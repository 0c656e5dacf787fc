// Turns kafka-ir errors into Temporal failures: the catalogue says whether a retry can help.
import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import { KafkaIrError } from '../src/model/errors.js';

export function toFailure(err: unknown): unknown {
  if (err instanceof KafkaIrError) {
    return ApplicationFailure.create({ message: err.message, type: err.code, nonRetryable: !err.retryable, cause: err });
  }
  if (err instanceof z.ZodError) {
    const detail = err.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
    return ApplicationFailure.nonRetryable(`invalid step input: ${detail}`, 'INVALID_INPUT');
  }
  return err;
}

/** Wraps an activity so every failure leaves it already classified. */
export function classified<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await fn(...args);
    } catch (err) {
      throw toFailure(err);
    }
  };
}
