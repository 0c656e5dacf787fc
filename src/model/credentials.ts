// SCRAM credentials as kafka-ir records them: the mechanism names Kafka uses (KIP-554). Secrets never appear here.
import { z } from 'zod';

export const ScramMechanism = z.enum(['SCRAM-SHA-256', 'SCRAM-SHA-512']);
export type ScramMechanism = z.infer<typeof ScramMechanism>;
