// Every built-in runbook runs end to end on the engine `npm run dev` starts (its runbook folders, only the settings file it writes), as dry runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDevSettings, type DevSettings } from '../../scripts/dev-settings.js';
import { baselineScheduleId } from '../../src/temporal/baseline-schedule.js';
import { endLeftoverDryRun } from '../support/builtin-engine.js';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { infra, unique } from '../support/infra.js';
import { admin, allow, createUser } from '../support/kafka.js';
import { token } from '../support/people.js';

const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-dev-'));
const evidence = join(dir, 'evidence');
let dev: DevSettings;
let engine: TestEngine | undefined;
const kafka = admin();
/** Incidents this engine opened (the hunts' follow-ups too): closed or aborted at the end, so none waits for a worker. */
const opened = new Set<string>();

// Not broker 2 (runbook-compromised-broker.test.ts rehearses it) nor 3 (broker-isolate.test.ts isolates it).
const BROKER = 1;

beforeAll(async () => {
  await endLeftoverDryRun('compromised-broker', String(BROKER));
  // The same writer as `npm run dev`, into a temporary folder so a developer's .infra/kafka-ir.yaml is left alone.
  dev = writeDevSettings({ file: join(dir, 'kafka-ir.yaml'), secretsDir: join(dir, 'secrets') });
  engine = await startTestEngine({ KAFKA_IR_RUNBOOKS: 'runbooks:test/fixtures/runbooks', KAFKA_IR_CONFIG: dev.file, KAFKA_IR_EVIDENCE_DIR: evidence });
});
afterAll(async () => {
  if (engine) {
    for (const id of opened) {
      const view = (await engine.get(`/v1/incidents/${id}`)).body as { status?: string } | undefined;
      if (view?.status === 'open') await engine.post(`/v1/incidents/${id}/decisions`, { decision: 'abort', reason: 'test clean-up' }, token('carol')).catch(() => undefined);
    }
    const client = new Client({ connection: await Connection.connect({ address: infra().TEMPORAL_ADDRESS }) });
    await client.schedule.getHandle(baselineScheduleId(engine.taskQueue)).delete().catch(() => undefined);
    await client.connection.close();
  }
  await engine?.close();
  await kafka.close();
});

const validate = (settings: string) => spawnSync(process.execPath, ['scripts/kafka-ir-from-sources.js', 'runbooks', 'validate', 'runbooks', '--settings', settings], {
  encoding: 'utf8', env: { ...process.env, KAFKA_IR_EVIDENCE_DIR: evidence },
});

describe('the dev settings file', () => {
  it('satisfies every built-in runbook, where an empty one names the runbook, step and setting missing', () => {
    const ok = validate(dev.file);
    expect(ok.stdout).toMatch(/^5 runbook\(s\) valid and runnable with .*kafka-ir\.yaml: runbooks\/compromised-broker\.yaml/);
    expect(ok.status).toBe(0);

    writeFileSync(join(dir, 'empty.yaml'), '{}\n');
    const empty = validate(join(dir, 'empty.yaml'));
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('runbooks/data-exfiltration.yaml step rotate (kafka.credentials.rotate) needs secretSink: the new secret has nowhere to go');
  });
});

const statusOf = (s: { id: string; status: string }) => `${s.id}:${s.status}`;

describe('the built-in runbooks on the dev engine', () => {
  it('each runs as a dry run from alert to close: nothing fails, steps with nothing to act on say why they were skipped', async () => {
    // kafka.baseline.diff compares with a baseline: the engine takes the first one at start-up.
    await eventually(async () => (existsSync(join(evidence, 'baselines')) && readdirSync(join(evidence, 'baselines')).some((f) => f.endsWith('.json')) ? true : undefined), 30_000, 'the first baseline');
    const [exfil, creds, unauth, flood] = ['exfil', 'creds', 'unauth', 'flood'].map((p) => unique(`dev-${p}`));
    await Promise.all([exfil, creds, unauth, flood].map((u) => createUser(u!)));
    await allow(kafka, `User:${unauth}`, [{ resourceType: 'topic', resourceName: unique('dev-topic'), patternType: 'literal', operation: 'read' }]);

    const alert = (kind: string, severity: string, subject: Record<string, string | number>) => ({
      kind, severity, summary: `dev engine rehearsal: ${kind}`, source: 'test', observedAt: new Date().toISOString(), subject,
    });
    const answers = await Promise.all([
      alert('data-exfiltration', 'high', { principal: `User:${exfil}` }),
      alert('compromised-credentials', 'high', { principal: `User:${creds}` }),
      alert('unauthorized-access', 'high', { principal: `User:${unauth}` }),
      alert('denial-of-service', 'high', { principal: `User:${flood}` }),
      alert('compromised-broker', 'critical', { brokerId: BROKER }),
    ].map(async (a) => (await engine!.post('/v1/alerts?dryRun=true', a)).body));
    for (const a of answers) for (const i of a.incidents ?? []) opened.add(i.id);
    expect(answers.map((a) => a.incidents?.[0]?.status ?? a)).toEqual(['started', 'started', 'started', 'started', 'started']);
    const ids: string[] = answers.map((a) => a.incidents[0].id);

    const views = await Promise.all(ids.map((id) => eventually(async () => {
      const v = await engine!.view(id);
      return v.phase === 'lessons' || v.status !== 'open' ? v : undefined;
    }, 90_000, `${id} to reach the lessons phase`)));
    for (const v of views) {
      for (const f of v.steps.find((s: { id: string }) => s.id === 'hunt')?.output?.followUps ?? []) if (f.status === 'started') opened.add(f.incident);
    }
    expect(views.map((v) => v.steps.map(statusOf))).toEqual([
      ['blast-radius:done', 'evidence:skipped', 'deny:planned', 'verify:skipped', 'rotate:planned', 'hunt:done', 'backdoors:done', 'restore-access:skipped', 'health:done'],
      ['blast-radius:done', 'evidence:skipped', 'deny:planned', 'verify:skipped', 'rotate:planned', 'hunt:done', 'restore-access:skipped', 'health:done'],
      ['acls:done', 'blast-radius:done', 'revoke:planned', 'verify:skipped', 'hunt:done', 'changes:done', 'delete-credentials:planned', 'health:done', 'baseline:done'],
      ['health-before:done', 'throttle:planned', 'lift-throttle:skipped', 'health:done'],
      ['health-before:done', 'isolate:planned', 'health-after:done', 'restore-broker:skipped', 'health:done'],
    ]);
    const [exfilView] = views;
    const step = (id: string) => exfilView.steps.find((s: { id: string }) => s.id === id);
    expect(step('evidence').note).toBe('skipped — nothing to capture: no topics were named (nothing was found read)');
    expect(step('verify').note).toBe('skipped (dry run): nothing was applied, so there is no access to verify');
    expect(step('restore-access').note).toBe('skipped (dry run): step deny was only planned, so there is nothing to undo');
    expect(step('rotate').plan.summary).toContain('stored in the file secret sink');
    expect(exfilView.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'step.skipped', step: 'evidence' })]));

    for (const id of ids) {
      expect((await engine!.post(`/v1/incidents/${id}/notes`, { text: 'rehearsal on the dev engine reviewed', lessons: true }, token('carol'))).body).toEqual({ accepted: true });
    }
    await Promise.all(ids.map((id) => engine!.closed(id, 30_000)));
    const report = await engine!.get(`/v1/incidents/${ids[0]}/report?format=json`);
    expect(report.body.actions.find((a: { step: string }) => a.step === 'evidence')).toMatchObject({ status: 'skipped', note: expect.stringMatching(/^skipped — nothing to capture/) });
  }, 150_000);
});
