// Client quota actions: throttle a user, a client id, the pair, and/or a source IP's connection rate.
import { z } from 'zod';
import { Principal } from '../alert.js';
import { ApplyResult } from '../plan.js';
import { action } from './define.js';

const Rate = z.number().positive().finite();

export const quotaActions = {
  'kafka.quota.throttle': action({
    kind: 'change',
    summary: 'Set client quotas by identity: byte rates and request percentage for a user, a client id or the pair, and a connection rate for a source IP; undo restores the previous quotas.',
    input: z.strictObject({
      /** The quota's user entity, as the incident's principal ("User:<name>"): it holds whatever client.id the client uses. */
      principal: Principal.optional(),
      /** With `principal`, the (user, client id) pair; alone, every user's clients with this id. */
      clientId: z.string().min(1).optional(),
      /** A source address, e.g. the alert's host: its connection creation rate (KIP-612), whoever connects from it. */
      ip: z.string().min(1).optional(),
      producerByteRate: Rate.optional(),
      consumerByteRate: Rate.optional(),
      /** Percentage of one network/IO thread's time (KIP-124); may exceed 100. */
      requestPercentage: Rate.optional(),
      /** New connections per second from `ip`. */
      connectionCreationRate: Rate.optional(),
    })
      .refine((i) => i.principal !== undefined || i.clientId !== undefined || i.ip !== undefined, {
        message: 'name a principal, a clientId, an ip, or a combination', path: ['principal'],
      })
      .refine((i) => (i.principal === undefined && i.clientId === undefined)
        === (i.producerByteRate === undefined && i.consumerByteRate === undefined && i.requestPercentage === undefined), {
        message: 'producerByteRate, consumerByteRate and requestPercentage throttle a principal and/or clientId: give both, at least one of each', path: ['producerByteRate'],
      })
      .refine((i) => (i.ip === undefined) === (i.connectionCreationRate === undefined), {
        message: 'an ip is throttled by connectionCreationRate, the only quota Kafka keeps for addresses: give both or neither', path: ['connectionCreationRate'],
      }),
    output: ApplyResult,
  }),
};
