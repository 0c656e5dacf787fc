// The clusters the activities act on, by name: each one's client, settings and evidence folder, opened on first use and kept apart.
import { DEFAULT_CLUSTER } from '../../src/model/clusters.js';
import { KafkaIrError } from '../../src/model/errors.js';
import type { ClusterConfig, Settings } from '../../src/model/settings.js';
import type { KafkaClient } from '../../adapters/kafka/client.js';
import type { AccessRecordSource } from '../../adapters/access-log/access-source.js';

/** What an activity needs of the one cluster its incident acts on. */
export interface ClusterDeps {
  kafka: KafkaClient;
  settings: Settings;
  /** Where its evidence and baselines are written. */
  evidenceDir: string;
  /** Its brokers' access records (settings.accessLog); absent, kafka.blastRadius falls back to group offsets. */
  accessRecords?: AccessRecordSource;
}

export interface ClusterSet {
  /** The cluster a request names; none: "default", else the first configured (requests made before there were several). */
  of(name: string | undefined): ClusterDeps;
  close(): Promise<void>;
}

/**
 * One client per cluster, made when an activity first needs it: a cluster that cannot be reached fails only the
 * activities of its own incidents (as a retryable KAFKA_UNAVAILABLE), never the engine's start or another cluster's work.
 */
export function clusterSet(configs: readonly ClusterConfig[], open: (config: ClusterConfig) => ClusterDeps): ClusterSet {
  const opened = new Map<string, ClusterDeps>();
  const fallback = configs.find((c) => c.name === DEFAULT_CLUSTER) ?? configs[0];
  return {
    of(name) {
      const config = name === undefined ? fallback : configs.find((c) => c.name === name);
      if (!config) {
        throw new KafkaIrError('INVALID_CONFIG', `the incident acts on cluster "${name ?? DEFAULT_CLUSTER}", which this engine does not serve (it serves ${configs.map((c) => `"${c.name}"`).join(', ')})`,
          'add the cluster back to the settings file (clusters:) and restart the engine, or abort the incident');
      }
      let deps = opened.get(config.name);
      if (!deps) {
        deps = open(config);
        opened.set(config.name, deps);
      }
      return deps;
    },
    async close() {
      await Promise.all([...opened.values()].map((d) => d.kafka.close()));
    },
  };
}
