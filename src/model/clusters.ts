// The Kafka clusters one engine serves (docs/operations.md "Several clusters"): which one an alert is about. No zod: the
// workflow sandbox reads DEFAULT_CLUSTER (a name's schema is cluster-name.ts).

/** The cluster the environment (KAFKA_BROKERS and its companions) describes, and the one an alert naming none goes to. */
export const DEFAULT_CLUSTER = 'default';

export type ClusterChoice = { ok: true; cluster: string } | { ok: false; reason: string };

/**
 * The cluster an alert acts on: the one it names, which must be known; naming none, the only cluster or the one named
 * "default". Anything else is refused with the list, so the sender can fix the alert.
 */
export function chooseCluster(known: readonly string[], named: string | undefined): ClusterChoice {
  const list = known.map((k) => `"${k}"`).join(', ');
  if (named !== undefined) {
    return known.includes(named) ? { ok: true, cluster: named } : { ok: false, reason: `unknown cluster "${named}": this engine serves ${list}` };
  }
  if (known.length === 1) return { ok: true, cluster: known[0]! };
  if (known.includes(DEFAULT_CLUSTER)) return { ok: true, cluster: DEFAULT_CLUSTER };
  return { ok: false, reason: `the alert names no cluster (subject.cluster) and this engine serves several: ${list}` };
}
