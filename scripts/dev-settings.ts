// The settings file `npm run dev` gives its engine: what every built-in runbook needs on the dev cluster, written next to .infra/env.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { devAccessLogFiles, infraPaths } from './infra/paths.js';

export interface DevSettings {
  /** The settings file (KAFKA_IR_CONFIG). */
  file: string;
  /** Where kafka.credentials.rotate leaves each new password (one 0600 file per incident and step). */
  secretsDir: string;
}

/**
 * Writes the dev cluster's settings: a file secret sink, the authorizer facts its brokers are started with
 * (scripts/infra/kafka/server-properties.ts), the demo's classified topics, the brokers' access records and a baseline
 * schedule. `file` defaults to .infra/kafka-ir.yaml; `secretsDir` to dev-secrets/ in the infrastructure's run folder.
 */
export function writeDevSettings(options: { file?: string; secretsDir?: string } = {}): DevSettings {
  const { repoRoot, runDir } = infraPaths();
  const file = options.file ?? join(repoRoot, '.infra', 'kafka-ir.yaml');
  const secretsDir = options.secretsDir ?? join(runDir, 'dev-secrets');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, [
    '# The dev cluster\'s settings, written by `npm run dev` (scripts/dev-settings.ts): rewritten at each start, edit a copy.',
    stringify({
      secretSink: { type: 'file', dir: secretsDir },
      authorizer: { superUsers: ['User:admin'], allowEveryoneIfNoAclFound: false },
      classifications: [{ topic: 'customers-*', label: 'pii' }],
      accessLog: { files: devAccessLogFiles() },
      baseline: { every: '6h' },
    }),
  ].join('\n'));
  return { file, secretsDir };
}
