// An engine running the built-in runbooks (runbooks/*.yaml) with the test roster, a file secret sink and, if asked, the brokers' access records.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyBuiltinRunbooks } from '../../src/demo/demo-engine.js';
import { devAccessLogFiles } from './access-log.js';
import { Client, Connection } from '@temporalio/client';
import { eventually, startTestEngine, type TestEngine } from './engine.js';
import { infra } from './infra.js';
import { token } from './people.js';

/**
 * `accessLog`: read the dev brokers' access records (else blast radius falls back to group offsets); `settings`: more
 * lines of the settings file; `env`: more engine variables.
 */
export async function startBuiltinEngine(
  options: { accessLog?: boolean; settings?: string[]; env?: Record<string, string> } = {},
): Promise<TestEngine & { secrets: string; evidence: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-builtin-'));
  const runbooks = join(dir, 'runbooks');
  // The shared cluster holds the whole suite's admin changes of the day: the hunts look back only 10 minutes.
  copyBuiltinRunbooks(runbooks, '10m');
  cpSync('test/fixtures/runbooks/_roster.yaml', join(runbooks, '_roster.yaml'));
  const secrets = join(dir, 'secrets');
  const evidence = join(dir, 'evidence');
  writeFileSync(join(dir, 'config.yaml'), [
    'secretSink: { type: file, dir: ' + JSON.stringify(secrets) + ' }',
    'authorizer: { superUsers: ["User:admin"], allowEveryoneIfNoAclFound: false }',
    'classifications: [{ topic: "customers-*", label: pii }]',
    ...(options.accessLog ? [`accessLog: { files: ${JSON.stringify(devAccessLogFiles())} }`] : []),
    ...(options.settings ?? []),
  ].join('\n'));
  const engine = await startTestEngine({ KAFKA_IR_RUNBOOKS: runbooks, KAFKA_IR_CONFIG: join(dir, 'config.yaml'), KAFKA_IR_EVIDENCE_DIR: evidence, ...options.env });
  return Object.assign(engine, { secrets, evidence, runbookFiles: readdirSync(runbooks) });
}

/**
 * After a failed scenario: aborts (with rollback, as carol, an incident commander) each incident still open, so no
 * change stays on the shared cluster and no open workflow is left without a worker. Best effort: it never throws.
 */
export async function abortLeftovers(engine: TestEngine, ids: string[]): Promise<void> {
  for (const id of ids) {
    const viewOf = async () => (await engine.get(`/v1/incidents/${id}`)).body as { status?: string; timeline?: { type: string }[] } | undefined;
    try {
      if ((await viewOf())?.status !== 'open') continue;
      await engine.post(`/v1/incidents/${id}/decisions`, { decision: 'abort', reason: 'test clean-up after a failure', rollback: true }, token('carol'));
      await eventually(async () => ((await viewOf())?.timeline?.some((e) => /^rollback\.(done|failed)$/.test(e.type)) ? true : undefined), 60_000, `${id} to roll back`);
    } catch (err) {
      console.warn(`could not clean up ${id}: ${String(err)}`);
    }
  }
}

/** A dry-run incident's workflow id is fixed by runbook and subject: one left open by an aborted earlier run, served by no worker, would swallow the alert. */
export async function endLeftoverDryRun(runbook: string, subject: string): Promise<void> {
  const client = new Client({ connection: await Connection.connect({ address: infra().TEMPORAL_ADDRESS }) });
  const handle = client.workflow.getHandle(`ir-${runbook}-${createHash('sha256').update(subject).digest('hex').slice(0, 16)}-dry`);
  const status = await handle.describe().then((d) => d.status.name, () => 'NONE');
  if (status === 'RUNNING') await handle.terminate('left open by an earlier test run');
  await client.connection.close();
}
