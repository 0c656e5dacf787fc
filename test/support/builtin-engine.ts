// An engine running the built-in runbooks (runbooks/*.yaml) with the test roster and a file secret sink.
import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestEngine, type TestEngine } from './engine.js';

export async function startBuiltinEngine(): Promise<TestEngine & { secrets: string; evidence: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-builtin-'));
  const runbooks = join(dir, 'runbooks');
  cpSync('runbooks', runbooks, { recursive: true, filter: (src) => !src.endsWith('_roster.yaml') });
  cpSync('test/fixtures/runbooks/_roster.yaml', join(runbooks, '_roster.yaml'));
  const secrets = join(dir, 'secrets');
  const evidence = join(dir, 'evidence');
  writeFileSync(join(dir, 'config.yaml'), [
    'secretSink: { type: file, dir: ' + JSON.stringify(secrets) + ' }',
    'authorizer: { superUsers: ["User:admin"], allowEveryoneIfNoAclFound: false }',
    'classifications: [{ topic: "customers-*", label: pii }]',
  ].join('\n'));
  const engine = await startTestEngine({ KAFKA_IR_RUNBOOKS: runbooks, KAFKA_IR_CONFIG: join(dir, 'config.yaml'), KAFKA_IR_EVIDENCE_DIR: evidence });
  return Object.assign(engine, { secrets, evidence, runbookFiles: readdirSync(runbooks) });
}
