// Client quotas as kafka-ir records them (KIP-546 names): which entity, which key, and the value before and after.
import { z } from 'zod';

/** Byte rates and request time for users and client ids; connection creation rate for source IPs (KIP-612). */
export const QuotaKey = z.enum(['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'connection_creation_rate']);
export type QuotaKey = z.infer<typeof QuotaKey>;

/**
 * A user (name without "User:"), a client id, the pair, or a source IP: each combination is its own quota entity in
 * Kafka, and an IP combines with nothing.
 */
export const QuotaEntity = z.strictObject({
  user: z.string().min(1).optional(), clientId: z.string().min(1).optional(), ip: z.string().min(1).optional(),
});
export type QuotaEntity = z.infer<typeof QuotaEntity>;

export function describeQuotaEntity(e: QuotaEntity): string {
  return [e.user && `user ${e.user}`, e.clientId && `client-id ${e.clientId}`, e.ip && `ip ${e.ip}`].filter(Boolean).join(', ');
}

/** One key of the quota entity for Kafka's protocol (DescribeClientQuotas components, AlterClientQuotas entities). */
export function quotaEntityParts(e: QuotaEntity): { entityType: 'user' | 'client-id' | 'ip'; name: string }[] {
  return [
    ...(e.user !== undefined ? [{ entityType: 'user' as const, name: e.user }] : []),
    ...(e.clientId !== undefined ? [{ entityType: 'client-id' as const, name: e.clientId }] : []),
    ...(e.ip !== undefined ? [{ entityType: 'ip' as const, name: e.ip }] : []),
  ];
}
