// Client quota actions: throttle a user and/or client id (produce and fetch byte rates, request percentage).
import { z } from 'zod';
import { Principal } from '../alert.js';
import { ApplyResult } from '../plan.js';
import { action } from './define.js';

const Rate = z.number().positive().finite();

export const quotaActions = {
  'kafka.quota.throttle': action({
    kind: 'change',
    summary: 'Set client quotas (producer/consumer bytes per second, request percentage) for a user and/or client id; undo restores the previous quotas.',
    input: z.strictObject({
      /** The quota's user entity, as the incident's principal ("User:<name>"). */
      principal: Principal.optional(),
      clientId: z.string().min(1).optional(),
      producerByteRate: Rate.optional(),
      consumerByteRate: Rate.optional(),
      /** Percentage of one network/IO thread's time (KIP-124); may exceed 100. */
      requestPercentage: Rate.optional(),
    })
      .refine((i) => i.principal !== undefined || i.clientId !== undefined, { message: 'name a principal, a clientId, or both', path: ['principal'] })
      .refine((i) => i.producerByteRate !== undefined || i.consumerByteRate !== undefined || i.requestPercentage !== undefined, {
        message: 'set at least one of producerByteRate, consumerByteRate, requestPercentage', path: ['producerByteRate'],
      }),
    output: ApplyResult,
  }),
};
