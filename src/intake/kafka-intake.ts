// Alerts from a Kafka topic: generic alert JSON, at least once (the offset is committed after the incident service
// answered); what cannot become an alert goes to the dead-letter topic with the reason.
import { intakeClients, type IHeaders, type KafkaMessage } from '../../adapters/kafka/intake-clients.js';
import type { KafkaSettings } from '../model/connections.js';
import type { Logger } from '../logger.js';
import type { IntakeTopic } from '../model/settings.js';
import { temporalUnavailable } from '../temporal/temporal-unavailable.js';
import type { IncidentService } from '../temporal/incidents.js';
import { submit, validate, type Accepted } from './submit.js';

interface HandledMessage {
  topic: string;
  partition: number;
  offset: string;
  outcome: 'started' | 'attached' | 'duplicate' | 'unmatched' | 'dead-lettered';
  id?: string;
  reason?: string;
}

export interface KafkaIntakeDeps {
  kafka: KafkaSettings;
  intake: IntakeTopic;
  incidents: IncidentService;
  log: Logger;
}

export interface KafkaIntake { stop(): Promise<void> }

/** The dead-letter record: why, the validation issues, the original text, and where it came from. */
export interface DeadLetter {
  reason: string;
  issues: { path: string; message: string }[];
  original: string;
  source: { topic: string; partition: number; offset: string };
}

type Verdict = Accepted | { reason: string; issues: DeadLetter['issues'] };

function verdictOf(topic: string, partition: number, message: KafkaMessage, clusters?: readonly string[]): Verdict {
  let json: unknown;
  try {
    json = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch (err) {
    return { reason: 'not JSON', issues: [{ path: '', message: (err as Error).message }] };
  }
  // The offset identifies a redelivered copy; an alert's own fingerprint identifies it across topics and replays.
  const verdict = validate({ alert: json, alertKey: (alert) => (alert.fingerprint ? undefined : `kafka:${topic}:${partition}:${message.offset}`) }, clusters);
  return 'issues' in verdict ? { reason: 'not a valid alert', issues: verdict.issues } : verdict;
}

export async function startKafkaIntake(deps: KafkaIntakeDeps): Promise<KafkaIntake> {
  const { topic, deadLetterTopic, groupId, fromBeginning } = deps.intake;
  const log = deps.log.child({ component: 'kafka-intake' });
  const { consumer, producer } = intakeClients(deps.kafka, groupId, log);
  let running = true;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function deadLetter(message: KafkaMessage, letter: DeadLetter): Promise<void> {
    const headers: IHeaders = { 'kafka-ir-reason': letter.reason, 'kafka-ir-source': `${letter.source.topic}:${letter.source.partition}:${letter.source.offset}` };
    await producer.send({ topic: deadLetterTopic, acks: -1, messages: [{ key: message.key, value: JSON.stringify(letter), headers }] });
  }

  async function handle(partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Promise<HandledMessage> {
    const at = { topic, partition, offset: message.offset };
    const verdict = verdictOf(topic, partition, message, deps.incidents.clusters);
    const original = message.value?.toString('utf8') ?? '';
    if ('reason' in verdict) {
      await deadLetter(message, { ...verdict, original, source: at });
      return { ...at, outcome: 'dead-lettered', reason: verdict.reason };
    }
    for (;;) {
      try {
        const outcome = await submit(deps.incidents, verdict);
        if (!outcome.matched && outcome.deferred && running) {
          // Over the runbook's open-incident cap: hold the partition, as for an unreachable Temporal, until a slot frees.
          log.warn({ offset: message.offset, partition, reason: outcome.reason }, 'alert deferred; retrying');
          await heartbeat();
          await sleep(5_000);
          continue;
        }
        return outcome.matched ? { ...at, outcome: outcome.status, id: outcome.id } : { ...at, outcome: 'unmatched', reason: outcome.reason };
      } catch (err) {
        if (!temporalUnavailable(err)) {
          const reason = `the incident service refused it: ${(err as Error).message}`;
          await deadLetter(message, { reason, issues: [], original, source: at });
          return { ...at, outcome: 'dead-lettered', reason };
        }
        // Not committed, so not lost: hold the partition until Temporal answers (or the engine stops).
        if (!running) throw err;
        log.warn({ offset: message.offset, partition }, 'Temporal is unreachable; retrying the alert');
        await heartbeat();
        await sleep(2_000);
      }
    }
  }

  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topic, fromBeginning });
  consumer.on(consumer.events.CRASH, ({ payload }) => log.error({ error: payload.error.message, restart: payload.restart }, 'intake consumer crashed'));
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message, heartbeat }) => {
      const handled = await handle(partition, message, heartbeat);
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      if (handled.outcome === 'unmatched' || handled.outcome === 'dead-lettered') log.warn(handled, 'alert from Kafka not turned into an incident');
      else log.info(handled, 'alert from Kafka');
    },
  });
  log.info({ topic, groupId, deadLetterTopic }, 'consuming alerts from Kafka');

  return {
    async stop() {
      running = false;
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
