// Whether this engine can read its incidents' histories: payloads it cannot decode are logged with the workflow ids and turn /healthz degraded.
import type { Logger } from '../logger.js';
import type { UndecodablePayload } from './codec.js';

/** What /healthz and `kafka-ir status` say when incidents are stalled: the cause, what to do, how many. */
export interface PayloadProblem { reason: string; fix: string; incidents: number }

type Kind = UndecodablePayload['kind'] | 'plaintext-history';

const FIX: Record<Exclude<Kind, 'plaintext'>, (keyIds: string[]) => { reason: string; fix: string }> = {
  'unknown-key': (ids) => ({
    reason: `incident histories are encrypted with key id ${ids.map((i) => `'${i}'`).join(', ')}, which KAFKA_IR_PAYLOAD_KEY does not hold: those incidents are stalled`,
    fix: 'put the retired key back after the current one (KAFKA_IR_PAYLOAD_KEY=<new id>:<key>,<old id>:<old key>) and restart every engine',
  }),
  'failed-authentication': (ids) => ({
    reason: `payloads under key id ${ids.map((i) => `'${i}'`).join(', ')} fail authentication: the key under that id is not the one that encrypted them, or the history was altered`,
    fix: 'restore the original key under that id in KAFKA_IR_PAYLOAD_KEY and restart every engine',
  }),
  'no-key': () => ({
    reason: 'incident histories are encrypted, and KAFKA_IR_PAYLOAD_KEY is not set: those incidents are stalled',
    fix: 'set KAFKA_IR_PAYLOAD_KEY to the keys that encrypted them and restart every engine',
  }),
  'plaintext-history': () => ({
    reason: 'open incidents were started without encryption, and this engine (KAFKA_IR_PAYLOAD_KEY is set) refuses unencrypted payloads: those incidents are stalled',
    fix: 'finish them with an engine without KAFKA_IR_PAYLOAD_KEY on the same task queue, or terminate them (temporal workflow terminate)',
  }),
};

export class PayloadHealth {
  private readonly stalled = new Map<Exclude<Kind, 'plaintext'>, { workflowIds: Set<string>; keyIds: Set<string> }>();
  private readonly logged = new Set<string>();

  constructor(private readonly log: Logger) {}

  /** A payload refused by the codec (`plaintext-history`: an open incident's input found unencrypted at start-up). */
  record(problem: Omit<UndecodablePayload, 'kind'> & { kind: Kind }): void {
    const id = problem.workflowId ?? 'unknown workflow';
    const first = !this.logged.has(`${problem.kind} ${id}`);
    if (first) this.logged.add(`${problem.kind} ${id}`);
    if (problem.kind === 'plaintext') {
      // Written by someone holding Temporal access but not the key (a forged update or start): refused, and said once per incident.
      if (first) this.log.warn({ workflowId: id }, `${problem.message}: something wrote to Temporal without the payload key`);
      return;
    }
    const entry = this.stalled.get(problem.kind) ?? { workflowIds: new Set<string>(), keyIds: new Set<string>() };
    this.stalled.set(problem.kind, entry);
    entry.workflowIds.add(id);
    if (problem.keyId) entry.keyIds.add(problem.keyId);
    if (first) {
      const { reason, fix } = FIX[problem.kind]([...entry.keyIds]);
      this.log.error({ workflowId: id, keyId: problem.keyId }, `${reason} — ${fix}`);
    }
  }

  /** The first problem found (they share a fix: the right keys), or undefined when every history read so far was readable. */
  problem(): PayloadProblem | undefined {
    for (const [kind, entry] of this.stalled) {
      return { ...FIX[kind]([...entry.keyIds]), incidents: entry.workflowIds.size };
    }
    return undefined;
  }
}
