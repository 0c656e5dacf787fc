// Client quotas as kafka-ir records them (KIP-546 names): which entity, which key, and the value before and after.
import { z } from 'zod';

export const QuotaKey = z.enum(['producer_byte_rate', 'consumer_byte_rate', 'request_percentage']);
export type QuotaKey = z.infer<typeof QuotaKey>;

/** A user (name without "User:"), a client id, or the pair: each combination is its own quota entity in Kafka. */
export const QuotaEntity = z.strictObject({ user: z.string().min(1).optional(), clientId: z.string().min(1).optional() });
export type QuotaEntity = z.infer<typeof QuotaEntity>;

export function describeQuotaEntity(e: QuotaEntity): string {
  return [e.user && `user ${e.user}`, e.clientId && `client-id ${e.clientId}`].filter(Boolean).join(', ');
}
