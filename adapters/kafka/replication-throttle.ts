// Replication throttle configs (KIP-73) held while partitions move: put at their planned value before the moves, back after.
import type { Change } from '../../src/model/plan.js';
import { alterDynamicConfigs, dynamicConfigs, targetKey } from './broker-config.js';
import type { KafkaClient } from './client.js';

export type ThrottleChange = Extract<Change, { op: 'partition.throttle' }>;

/**
 * Puts every throttle config at its `during` value, or (lifting) its `before` value, whatever it is now: these configs
 * exist only for the moves, so a value left by an interrupted run, or raised by hand to speed a drain, is not drift.
 * Returns the ones that had to change.
 */
export async function holdThrottles(client: KafkaClient, throttles: ThrottleChange[], at: 'during' | 'before'): Promise<ThrottleChange[]> {
  if (!throttles.length) return [];
  const targets = [...new Map(throttles.map((t) => [targetKey(t), { resource: t.resource, name: t.name }])).values()];
  const current = await dynamicConfigs(client, targets, [...new Set(throttles.map((t) => t.key))]);
  const todo = throttles.filter((t) => current.get(targetKey(t))?.get(t.key) !== t[at]);
  await alterDynamicConfigs(client, todo.map((t) => ({ resource: t.resource, name: t.name, key: t.key, value: t[at] })));
  return todo;
}
