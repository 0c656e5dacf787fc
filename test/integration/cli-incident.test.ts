// The command line against a running engine, as an on-call person uses it: trigger, approve and reject with a personal
// token, status, note — exit codes and what the incident then shows.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { unique } from '../support/infra.js';
import { admin, bindingsOf } from '../support/kafka.js';
import { token } from '../support/people.js';

let engine: TestEngine;
const kafka = admin();
beforeAll(async () => { engine = await startTestEngine(); });
afterAll(async () => { await engine?.close(); await kafka.close(); });

/** Runs the real binary (asynchronously: the engine answering it lives in this process). */
function cli(who: 'alice' | 'bob' | 'dave' | undefined, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, KAFKA_IR_PUBLIC_URL: engine.url, KAFKA_IR_TOKEN: who ? token(who) : '' };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['scripts/kafka-ir-from-sources.js', ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('kafka-ir on the command line', () => {
  it('triggers an incident, refuses a decision the policy forbids, and applies the DENY after two approvals', async () => {
    const principal = `User:${unique('cli')}`;
    const triggered = await cli('dave', 'trigger', '--kind', 'test.approve-deny', '--severity', 'high', '--principal', principal, '--json');
    expect(triggered.status).toBe(0);
    const id = JSON.parse(triggered.stdout).incidents[0].id as string;
    await eventually(async () => ((await engine.get(`/v1/incidents/${id}`)).body.steps[0].status === 'awaiting_approval' ? true : undefined), 15_000, 'the approval request');

    const refused = await cli('dave', 'approve', id, '--step', 'deny');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('dave raised this incident and cannot also approve it (four-eyes)');
    expect((await cli('alice', 'reject', id, '--step', 'deny')).status).toBe(2);

    expect(await cli('alice', 'approve', id, '--step', 'deny')).toMatchObject({ status: 0, stdout: 'approval of step deny recorded\n' });
    const waiting = await cli('alice', 'status', id);
    expect(waiting.stdout).toMatch(/deny \(kafka\.acl\.deny\) awaiting_approval — waiting on bob \(1\/2\)/);
    const open = await cli('alice', 'status');
    expect(open.status).toBe(0);
    expect(open.stdout).toContain(`${id}  OPEN`);
    expect((await cli('bob', 'approve', id, '--step', 'deny')).status).toBe(0);

    const done = await eventually(async () => {
      const r = await cli('alice', 'status', id, '--json');
      const v = JSON.parse(r.stdout);
      return v.status === 'closed' ? v : undefined;
    }, 20_000, 'the incident to close');
    expect(done.steps[0].approvals.votes.map((v: { person: string }) => v.person)).toEqual(['alice', 'bob']);
    await eventually(async () => ((await bindingsOf(kafka, principal)).length === 4 ? true : undefined), 5_000, 'the DENY on the broker');
  });

  it('runs a dry run from the command line without touching Kafka', async () => {
    const principal = `User:${unique('cli-dry')}`;
    const r = await cli(undefined, 'trigger', '--kind', 'test.auto-deny', '--severity', 'low', '--principal', principal, '--dry-run');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^started ir-auto-deny-[0-9a-f]{16}-dry-[0-9a-f]{8} \(runbook auto-deny\) — dry run\n$/);
    expect(await bindingsOf(kafka, principal)).toEqual([]);
  });
});
