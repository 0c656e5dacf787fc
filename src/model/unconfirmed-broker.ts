// Brokers an action could not ask, as actions report them and the incident view shows them (broker-wait.ts reads them).
import { z } from 'zod';

/** A broker an action could not ask, so what it found is unconfirmed there. */
export const UnconfirmedBroker = z.object({
  id: z.number().int(),
  /** Its client address, when the cluster still lists it. */
  host: z.string().optional(),
  reason: z.string(),
});
export type UnconfirmedBroker = z.infer<typeof UnconfirmedBroker>;

/** A broker the step waits for, as the incident view shows it: since when the incident has been waiting. */
export const BrokerWait = UnconfirmedBroker.extend({ since: z.string() });
export type BrokerWait = z.infer<typeof BrokerWait>;
