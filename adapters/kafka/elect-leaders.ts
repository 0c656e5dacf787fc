// Preferred leader elections (KIP-460) as planned: leadership back to each partition's first replica, which no Node client can ask for.
import { KafkaIrError } from '../../src/model/errors.js';
import type { Change } from '../../src/model/plan.js';
import { liveBrokers } from './broker-config.js';
import { withBrokerConnection } from './broker-connection.js';
import type { KafkaClient } from './client.js';
import { ElectionTypes, api as electLeadersV2 } from './elect-leaders-v2.js';
import { readPartitions } from './reassign.js';

type ElectChange = Extract<Change, { op: 'leader.elect' }>;

const CLUSTER_AUTHORIZATION_FAILED = 31;
const PREFERRED_LEADER_NOT_AVAILABLE = 80;
const ELECTION_NOT_NEEDED = 84;
const ELECTION_TIMEOUT_MS = 5_000;
const key = (topic: string, partition: number) => `${topic}-${partition}`;

/** Elects the planned leader where another one leads; a partition already led by it is counted, not elected again. */
export async function electPreferredLeaders(client: KafkaClient, changes: Change[]): Promise<{ changed: Change[]; alreadyInPlace: number }> {
  const elections = changes.filter((c): c is ElectChange => c.op === 'leader.elect');
  const now = await readPartitions(client, [...new Set(elections.map((e) => e.topic))]);
  const todo = elections.filter((e) => {
    const p = now.get(key(e.topic, e.partition));
    if (p?.replicas[0] !== e.leader) {
      throw new KafkaIrError('PLAN_DRIFT', `${key(e.topic, e.partition)} has replicas [${p?.replicas.join(',') ?? ''}], but the plan expected broker ${e.leader} first`,
        'the assignment changed since the plan was made: elect leaders with kafka-leader-election.sh if still wanted');
    }
    return p.leader !== e.leader;
  });
  if (!todo.length) return { changed: [], alreadyInPlace: elections.length };

  const [broker] = await liveBrokers(client);
  const topics = [...new Set(todo.map((e) => e.topic))].map((topic) => ({ topic, partitions: todo.filter((e) => e.topic === topic).map((e) => e.partition) }));
  // Any broker takes the request and forwards it to the controller.
  const res = await withBrokerConnection(client.settings, broker!, 'electing preferred leaders', (c) => electLeadersV2.async(c, ElectionTypes.PREFERRED, topics, ELECTION_TIMEOUT_MS));
  if (res.errorCode === CLUSTER_AUTHORIZATION_FAILED) {
    throw new KafkaIrError('KAFKA_AUTH', 'electing preferred leaders: not authorized', "grant the engine's principal ALTER on the cluster");
  }
  if (res.errorCode !== 0) throw new KafkaIrError('KAFKA_REJECTED', `electing preferred leaders: Kafka error ${res.errorCode}`);

  const outcome = new Map(res.replicaElectionResults.flatMap((t) => t.partitionResult.map((p) => [key(t.topic, p.partitionId), p] as const)));
  const notInSync = todo.filter((e) => outcome.get(key(e.topic, e.partition))?.errorCode === PREFERRED_LEADER_NOT_AVAILABLE);
  if (notInSync.length) {
    throw new KafkaIrError('REASSIGNMENT_IN_PROGRESS', `the preferred replica of ${notInSync.map((e) => `${key(e.topic, e.partition)} (broker ${e.leader})`).join(', ')} is not in sync yet`,
      'it is retried; leadership moves back once the replica has caught up');
  }
  const refused = todo.flatMap((e) => {
    const r = outcome.get(key(e.topic, e.partition));
    return r && r.errorCode !== 0 && r.errorCode !== ELECTION_NOT_NEEDED ? [`${key(e.topic, e.partition)}: ${r.errorMessage ?? `Kafka error ${r.errorCode}`}`] : [];
  });
  if (refused.length) throw new KafkaIrError('KAFKA_REJECTED', `electing preferred leaders: ${refused.join('; ')}`);
  const elected = todo.filter((e) => outcome.get(key(e.topic, e.partition))?.errorCode === 0);
  return { changed: elected, alreadyInPlace: elections.length - elected.length };
}
