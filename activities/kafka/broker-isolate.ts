// kafka.broker.isolate planning (docs/design.md §5): KRaft cannot change listeners at runtime, so isolation = drain + cap + fence.
import type { ActionInput } from '../../src/model/actions.js';
import { KafkaIrError } from '../../src/model/errors.js';
import type { Change, Plan } from '../../src/model/plan.js';
import type { Settings } from '../../src/model/settings.js';
import { byteSize, bytesText } from '../../src/model/byte-size.js';
import { brokerAddress, describeBrokerConfigs, describeTopicConfigs, dynamicConfigs, liveBrokers, perBrokerValue, targetKey } from '../../adapters/kafka/broker-config.js';
import type { BrokerAddress } from '../../adapters/kafka/broker-connection.js';
import type { KafkaClient } from '../../adapters/kafka/client.js';
import { fenceArgv } from './fence.js';
import { hashPlan } from './plan-hash.js';
import { ongoingReassignments, readPartitions } from '../../adapters/kafka/reassign.js';

type Input = ActionInput<'kafka.broker.isolate'>;
type Reassign = Extract<Change, { op: 'partition.reassign' }>;
type ConfigSet = Extract<Change, { op: 'config.set' }>;
type Throttle = Extract<Change, { op: 'partition.throttle' }>;

const RATE_KEYS = ['leader.replication.throttled.rate', 'follower.replication.throttled.rate'];
const REPLICA_KEYS = ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'];

async function minInsyncReplicas(client: KafkaClient, broker: BrokerAddress, topics: string[]): Promise<Map<string, number>> {
  const configs = await describeTopicConfigs(client.settings, broker, topics, ['min.insync.replicas']);
  return new Map([...configs].map(([topic, entries]) => [topic, Number(entries.find((e) => e.name === 'min.insync.replicas')?.value ?? 1)]));
}

/** New assignments without `brokerId`: each replica moves to the least-loaded broker not yet in the set, or is dropped where none is left. */
async function planDrain(client: KafkaClient, input: Input, others: BrokerAddress[]): Promise<{ moves: Reassign[]; notes: string[] }> {
  const partitions = [...(await readPartitions(client, input.topics)).values()];
  const affected = partitions.filter((p) => p.replicas.includes(input.brokerId));
  const topics = [...new Set(affected.map((p) => p.topic))];
  const [minIsr, ongoing] = await Promise.all([minInsyncReplicas(client, others[0]!, topics), ongoingReassignments(client, topics)]);
  const ids = others.map((b) => b.id);
  const busy = affected.filter((p) => ongoing.has(`${p.topic}-${p.partition}`));
  if (busy.length) {
    throw new KafkaIrError('UNSAFE_PLAN', `partitions already being reassigned: ${busy.map((p) => `${p.topic}-${p.partition}`).join(', ')}`,
      'wait for those reassignments to finish (kafka-reassign-partitions.sh --verify), then plan again');
  }
  const load = new Map(ids.map((b) => [b, partitions.filter((p) => p.replicas.includes(b)).length]));
  const moves: Reassign[] = [];
  const dropped: string[] = [];
  const belowMin: string[] = [];
  for (const p of affected) {
    const name = `${p.topic}-${p.partition}`;
    // Survivors keep their order, so the next in-sync replica becomes preferred leader at once; the newcomer goes last.
    const survivors = p.replicas.filter((r) => r !== input.brokerId);
    const target = ids.filter((b) => !p.replicas.includes(b)).sort((a, b) => load.get(a)! - load.get(b)! || a - b)[0];
    if (target !== undefined) {
      load.set(target, load.get(target)! + 1);
      moves.push({ op: 'partition.reassign', topic: p.topic, partition: p.partition, before: p.replicas, after: [...survivors, target] });
      continue;
    }
    if (!survivors.length) {
      throw new KafkaIrError('UNSAFE_PLAN', `${name} has its only replica on broker ${input.brokerId} and no other broker can take it`, 'add a broker first');
    }
    const min = minIsr.get(p.topic) ?? 1;
    if (survivors.length < min) belowMin.push(`${name} (replicas ${p.replicas.length}→${survivors.length}, min.insync.replicas ${min})`);
    dropped.push(name);
    moves.push({ op: 'partition.reassign', topic: p.topic, partition: p.partition, before: p.replicas, after: survivors });
  }
  const notes: string[] = [];
  const belowMinWarning = `dropping the replica on broker ${input.brokerId} leaves fewer replicas than min.insync.replicas: ${belowMin.join(', ')}; producers with acks=all will be refused there until undo`;
  if (belowMin.length && !input.force) {
    throw new KafkaIrError('UNSAFE_PLAN', belowMinWarning, 'add a broker, lower min.insync.replicas of those topics, or set force: true');
  }
  if (belowMin.length) notes.push(belowMinWarning);
  if (dropped.length) notes.push(`no other broker can take a replica of ${dropped.join(', ')}: the replica is dropped (replication factor lowered by one) until undo`);
  return { moves, notes };
}

/**
 * The replication throttle for `moves`, as Kafka's reassignment tool sets it: the rate on every broker a copying
 * partition involves, and its replicas (before and after, so one list serves the drain and its undo; in-sync replicas
 * are never throttled) on its topic, merged into any already listed. Each config returns to its current value.
 */
async function planThrottle(client: KafkaClient, moves: Reassign[], rate: number): Promise<Throttle[]> {
  const copying = moves.filter((m) => m.after.some((b) => !m.before.includes(b)));
  if (!rate || !copying.length) return [];
  const brokers = [...new Set(copying.flatMap((m) => [...m.before, ...m.after]))].sort((a, b) => a - b);
  const topics = [...new Set(copying.map((m) => m.topic))].sort();
  const current = await dynamicConfigs(client, [
    ...brokers.map((id) => ({ resource: 'broker' as const, name: String(id) })), ...topics.map((name) => ({ resource: 'topic' as const, name })),
  ], [...RATE_KEYS, ...REPLICA_KEYS]);
  const valueOf = (resource: Throttle['resource'], name: string, key: string) => current.get(targetKey({ resource, name }))?.get(key);
  const throttle = (resource: Throttle['resource'], name: string, key: string, before: string | undefined, during: string): Throttle =>
    ({ op: 'partition.throttle', resource, name, key, ...(before === undefined ? {} : { before }), during });
  return [
    ...brokers.flatMap((id) => RATE_KEYS.map((key) => throttle('broker', String(id), key, valueOf('broker', String(id), key), String(rate)))),
    ...topics.flatMap((topic) => {
      const replicas = copying.filter((m) => m.topic === topic).sort((a, b) => a.partition - b.partition)
        .flatMap((m) => [...new Set([...m.before, ...m.after])].map((b) => `${m.partition}:${b}`));
      return REPLICA_KEYS.flatMap((key) => {
        const before = valueOf('topic', topic, key);
        const listed = before?.split(',').map((r) => r.trim()).filter(Boolean) ?? [];
        // "*" already throttles every replica of the topic.
        const during = listed.includes('*') ? before! : [...new Set([...listed, ...replicas])].join(',');
        return during === before ? [] : [throttle('topic', topic, key, before, during)];
      });
    }),
  ];
}

/** Per-broker caps on new client connections, sent to that broker; the previous per-broker values are the inverse. */
async function planCaps(client: KafkaClient, input: Input): Promise<{ caps: ConfigSet[]; notes: string[] }> {
  const broker = await brokerAddress(client, input.brokerId);
  const wanted = { 'max.connections': String(input.maxConnections), 'max.connection.creation.rate': String(input.maxConnectionCreationRate) };
  const configs = await describeBrokerConfigs(client.settings, broker, [...Object.keys(wanted), 'inter.broker.listener.name']);
  const caps = Object.entries(wanted).flatMap(([key, after]): ConfigSet[] => {
    const before = perBrokerValue(configs, key);
    return before === after ? [] : [{ op: 'config.set', resource: 'broker', name: String(input.brokerId), key, before, after }];
  });
  const interBroker = configs.find((c) => c.name === 'inter.broker.listener.name')?.value;
  return {
    caps,
    notes: [
      `the caps (max.connections=${input.maxConnections}, max.connection.creation.rate=${input.maxConnectionCreationRate}) apply to new connections; open ones stay until they close. They do not apply to the inter-broker listener${interBroker ? ` (${interBroker})` : ''} (KIP-402, KIP-612): clients that connect through it are not capped.`,
      `undo needs a connection to broker ${input.brokerId}: it fails while the broker holds max.connections connections, so keep the cap above the clients you expect to stay connected.`,
    ],
  };
}

export async function planIsolateBroker(client: KafkaClient, settings: Settings, input: Input): Promise<Plan> {
  const { host } = await brokerAddress(client, input.brokerId);
  const others = (await liveBrokers(client)).filter((b) => b.id !== input.brokerId);
  if (!others.length) throw new KafkaIrError('UNSAFE_PLAN', `broker ${input.brokerId} is the only live broker`, 'isolating it would take the cluster down');
  const drain = await planDrain(client, input, others);
  const back = drain.moves.map((m): Reassign => ({ ...m, before: m.after, after: m.before }));
  const rate = byteSize(input.replicationThrottle);
  const [throttle, throttleBack, { caps, notes: capNotes }] = await Promise.all([
    planThrottle(client, drain.moves, rate), planThrottle(client, back, rate), planCaps(client, input),
  ]);
  const fence: Change[] = settings.fenceCommand
    ? [{ op: 'broker.fence', brokerId: input.brokerId, host, command: fenceArgv(settings.fenceCommand, input.brokerId, host) }]
    : [];
  const changes: Change[] = [...throttle, ...drain.moves, ...caps, ...fence];
  const inverse: Change[] = [
    ...caps.map((c): Change => ({ ...c, before: c.after, after: c.before })),
    ...throttleBack,
    ...back,
    // The original first replicas lead again once they are back in sync.
    ...drain.moves.map((m): Change => ({ op: 'leader.elect', topic: m.topic, partition: m.partition, leader: m.before[0]! })),
  ];
  const throttled = (t: Throttle[]) => [...new Set(t.filter((x) => x.resource === 'broker').map((x) => x.name))].join(', ');
  const notes = [
    'KRaft cannot change listeners at runtime: isolation = moving replicas and leadership off the broker, capping its new connections, and the fence command if configured.',
    ...drain.notes,
    ...capNotes,
    rate
      ? `replicas copy at most ${bytesText(rate)}/s into and out of each broker involved (brokers ${throttled(throttle) || 'none'}; on undo ${throttled(throttleBack) || 'none'}): a replication throttle set before the moves and lifted once they are done. Replicas in sync are never throttled, but a drain takes at least the data to copy divided by that rate.`
      : 'no replication throttle: replicas copy as fast as the brokers allow, competing with clients for disk and network.',
    `undo moves the replicas back, then elects the preferred leaders, so broker ${input.brokerId} leads again the partitions it led before.`,
    ...(fence.length ? ['the fence command runs after the drain and has no inverse: undo it by hand.'] : []),
  ];
  const parts = [
    drain.moves.length ? `reassign ${drain.moves.length} partition(s) off broker ${input.brokerId}${throttle.length ? ` (throttled to ${bytesText(rate)}/s)` : ''}` : '',
    caps.length ? `cap its connections (${caps.map((c) => `${c.key}=${c.after}`).join(', ')})` : '',
    fence.length ? `run the fence command for ${host}` : '',
  ].filter(Boolean);
  return {
    action: 'kafka.broker.isolate',
    summary: parts.length ? parts.join('; ') : `broker ${input.brokerId} holds no replica of the selected topics and is already capped: nothing to change`,
    changes,
    inverse,
    notes,
    hash: hashPlan('kafka.broker.isolate', changes),
  };
}
