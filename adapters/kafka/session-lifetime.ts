// How long a signed-in session outlives its credential: connections.max.reauth.ms as each live broker reports it (KIP-368).
import { describeBrokerConfigs } from './broker-config.js';
import type { KafkaClient } from './client.js';
import { liveBrokers } from './cluster-members.js';

const KEY = 'connections.max.reauth.ms';

/** Per live broker: the re-authentication interval in ms (0: never), or undefined when the broker did not say. */
export async function reauthIntervals(client: Pick<KafkaClient, 'settings'>): Promise<{ id: number; ms: number | undefined }[]> {
  const brokers = await liveBrokers(client);
  return Promise.all(brokers.map(async (b) => {
    const configs = await describeBrokerConfigs(client.settings, b, [KEY]).catch(() => []);
    const value = configs.find((c) => c.name === KEY)?.value;
    return { id: b.id, ms: value === undefined || value === null ? undefined : Number(value) };
  }));
}
