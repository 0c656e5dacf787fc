// The alert intake's consumer and dead-letter producer: kafkajs clients of their own, retrying more than the engine's admin.
import { Partitioners, type IHeaders, type KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaSettings } from '../../src/model/connections.js';
import { kafkaJsClient } from './client.js';

export type { IHeaders, KafkaMessage };

export function intakeClients(settings: KafkaSettings, groupId: string, log: Logger) {
  const kafka = kafkaJsClient(settings, 'kafka-ir-intake', log, 5);
  return {
    consumer: kafka.consumer({ groupId, allowAutoTopicCreation: false }),
    producer: kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner }),
  };
}
