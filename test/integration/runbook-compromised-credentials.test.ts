// Scenario: the built-in compromised-credentials runbook from alert to close, on the real cluster, decided by people.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AclBinding } from '../../src/model/acl.js';
import { aclCommandList, aclCommandShows, asAclCommand } from '../support/acl-command.js';
import { abortLeftovers, startBuiltinEngine } from '../support/builtin-engine.js';
import { eventually } from '../support/engine.js';
import { unique } from '../support/infra.js';
import { admin, allow, bindingsOf, createTopic, createUser, userKafka } from '../support/kafka.js';
import { kcatConsume, kcatRefused } from '../support/kcat.js';
import { token } from '../support/people.js';

let engine: Awaited<ReturnType<typeof startBuiltinEngine>>;
const kafka = admin();
beforeAll(async () => { engine = await startBuiltinEngine({ accessLog: true }); });
const opened: string[] = [];
afterAll(async () => { if (engine) await abortLeftovers(engine, opened); await engine?.close(); await kafka.close(); });

/** A fresh kafkajs session as the user: undefined once SASL succeeds, else the broker's refusal. */
async function refusal(user: string, password: string): Promise<string | undefined> {
  const a = userKafka(user, password).admin({ retry: { retries: 0 } });
  try { await a.connect(); return undefined; } catch (err) { return (err as Error).message; } finally { await a.disconnect(); }
}
const reads = (user: string, password: string, topic: string) =>
  eventually(async () => (kcatConsume(user, password, topic).stdout.includes('t-2') ? true : undefined), 30_000, `${user} to read ${topic}`);

describe('compromised-credentials', () => {
  it('records what the credential read and captures exactly that, denies, verifies, rotates into the sink, lifts the deny and lets the service back in with the new password only', async () => {
    const user = unique('billing');
    const topic = unique('invoices');
    const principal = `User:${user}`;
    const password = await createUser(user);
    await createTopic(kafka, topic, ['t-1', 't-2']);
    await allow(kafka, principal, [{ resourceType: 'topic', resourceName: topic, patternType: 'literal', operation: 'read' }]);
    // Brokers learn new ACLs a moment apart: read them back once every reply has them.
    const before: AclBinding[] = await eventually(async () => { const bs = await bindingsOf(kafka, principal); return bs.length === 1 ? bs : undefined; }, 20_000, 'the ALLOW');
    await reads(user, password, topic);

    const res = await engine.post('/v1/alerts', {
      kind: 'compromised-credentials', severity: 'high', summary: `${user}'s password was posted in a chat`, source: 'secret-scanner',
      observedAt: new Date().toISOString(), subject: { principal },
    });
    const id = res.body.incidents[0].id;
    opened.push(id);
    expect(res.body.incidents[0]).toMatchObject({ runbook: 'compromised-credentials', status: 'started' });

    await engine.waitForStep(id, 'deny', 'awaiting_approval');
    // kcat read without a group: only the brokers' records show it, and the evidence is what they delivered.
    const blast = (await engine.stepOf(id, 'blast-radius')).output;
    expect(blast.coverage.basis).toBe('records');
    expect(blast.readTopics).toEqual([topic]);
    expect(blast.ranges).toEqual([{ topic, partition: 0, from: 0, to: 2 }]);
    const evidence = (await engine.stepOf(id, 'evidence')).output;
    const captured = readFileSync(join(evidence.dir, `${topic}.ndjson`), 'utf8').trim().split('\n').map((l) => JSON.parse(l).value);
    expect(captured).toEqual(['t-1', 't-2']);
    const deny = await engine.stepOf(id, 'deny');
    expect(deny.approvals).toMatchObject({ quorum: 1, votes: [] });
    expect(deny.approvals.waitingOn).toEqual(expect.arrayContaining(['alice', 'bob']));
    const denies = deny.plan.changes.map((c: { op: string; binding: AclBinding }) => { expect(c.op).toBe('acl.create'); return c.binding; });
    expect(denies.every((b: AclBinding) => b.principal === principal && b.permission === 'deny' && b.operation === 'all' && b.host === '*')).toBe(true);
    expect(denies.map((b: AclBinding) => `${b.resourceType}:${b.resourceName}`).sort()).toEqual(['cluster:kafka-cluster', 'group:*', 'topic:*', 'transactional-id:*']);
    expect(aclCommandList('', principal)).toEqual(asAclCommand(before));

    // Either on-call or SecOps may deny; bob's one vote is the quorum.
    await engine.decide(id, 'deny', 'bob');
    await aclCommandShows('', principal, [...before, ...denies]);
    await kcatRefused(user, password, topic);
    await engine.waitForStep(id, 'verify', 'done');
    expect((await engine.stepOf(id, 'verify')).output.verdict).toBe('denied');

    await engine.waitForStep(id, 'rotate', 'awaiting_approval');
    const rotate = await engine.stepOf(id, 'rotate');
    expect(rotate.plan.changes).toEqual([{ op: 'scram.rotate', user, mechanisms: ['SCRAM-SHA-512'] }]);
    expect(rotate.plan.inverse).toEqual([]);
    // Read from the brokers (the dev cluster sets connections.max.reauth.ms=30000; delegation tokens are off there).
    expect(rotate.plan.summary).toContain('sessions already signed in stay authenticated for up to 30 s (connections.max.reauth.ms)');
    expect(rotate.plan.notes.join('\n')).toContain('on brokers 1, 2, 3 they must re-authenticate within 30 s');
    expect(await refusal(user, password)).toBeUndefined();
    await engine.decide(id, 'rotate', 'bob');
    await engine.waitForStep(id, 'rotate', 'done');
    const files = readdirSync(engine.secrets);
    expect(files).toHaveLength(1);
    const newPassword = readFileSync(join(engine.secrets, files[0]!), 'utf8').trim();
    expect(newPassword).not.toBe(password);
    expect(JSON.stringify(await engine.view(id))).not.toContain(newPassword);
    // The stolen password no longer opens a session; the new one does (access itself is still denied).
    expect(await eventually(async () => refusal(user, password), 30_000, 'the old password to be refused')).toMatch(/SASL|authenticat/i);
    expect(await refusal(user, newPassword)).toBeUndefined();
    expect(kcatConsume(user, newPassword, topic).status).not.toBe(0);

    // The hunt reads the rotation as kafka-ir's own request: listed with who made it, never a backdoor to follow up.
    await engine.waitForStep(id, 'hunt', 'done', 240_000);
    const hunt = (await engine.stepOf(id, 'hunt')).output;
    expect(hunt.requests).toContainEqual(expect.objectContaining({
      principal: 'User:admin', request: 'AlterUserScramCredentials', outcome: 'ok', trusted: "kafka-ir's own principal", what: [expect.stringContaining(`credential of ${user} `)],
    }));
    expect(hunt.findings.filter((f: { target: { principal?: string } }) => f.target.principal === principal)).toEqual([]);

    await engine.waitForStep(id, 'restore-access', 'awaiting_approval');
    await engine.decide(id, 'restore-access', 'alice');
    await engine.waitForStep(id, 'health', 'done');
    await aclCommandShows('', principal, before);
    await reads(user, newPassword, topic);
    expect(kcatConsume(user, password, topic).status).not.toBe(0);

    expect((await engine.post(`/v1/incidents/${id}/notes`, { text: 'billing password lived in a chat channel; moved to the vault', lessons: true }, token('carol'))).body).toEqual({ accepted: true });
    const closed = await engine.closed(id);
    expect(closed.steps.map((s: { id: string; status: string }) => `${s.id}:${s.status}`)).toEqual([
      'blast-radius:done', 'evidence:done', 'deny:undone', 'verify:done', 'rotate:done', 'hunt:done', 'restore-access:done', 'health:done',
    ]);
    expect(closed.timeline.filter((e: { type: string }) => e.type === 'decision').map((e: { step: string; person: string }) => `${e.step}:${e.person}`))
      .toEqual(['deny:bob', 'rotate:bob', 'restore-access:alice']);
    expect(closed.timeline.filter((e: { type: string }) => e.type === 'phase').map((e: { phase: string }) => e.phase))
      .toEqual(expect.arrayContaining(['detection', 'containment', 'eradication', 'recovery', 'lessons']));
    // The post-mortem says how long sessions of the old password could stay signed in.
    const report = await engine.get(`/v1/incidents/${id}/report?format=json`);
    expect(JSON.stringify(report.body)).toContain('stay authenticated for up to 30 s (connections.max.reauth.ms)');
  }, 300_000); // the hunt reads and raises what the whole suite did on the shared cluster in the last 24 h

  it('rehearses in a dry run: plans the deny and the rotation, says why the access check is skipped, and changes nothing', async () => {
    const user = unique('billing-dry');
    const principal = `User:${user}`;
    await createUser(user);

    const res = await engine.post('/v1/alerts?dryRun=true', {
      kind: 'compromised-credentials', severity: 'high', summary: `${user}'s password may have leaked (rehearsal)`, source: 'secret-scanner',
      observedAt: new Date().toISOString(), subject: { principal },
    });
    const id = res.body.incidents[0].id;
    opened.push(id);
    expect(id).toMatch(/-dry-/);

    // No decision is needed in a dry run: the incident walks to the lessons record by itself.
    const view = await eventually(async () => { const v = await engine.view(id); return v.phase === 'lessons' ? v : undefined; }, 90_000, 'the lessons phase');
    expect(view.steps.map((s: { id: string; status: string }) => `${s.id}:${s.status}`)).toEqual([
      // It read nothing, so there is nothing to capture; the check and the undo of the deny have nothing to act on.
      'blast-radius:done', 'evidence:skipped', 'deny:planned', 'verify:skipped', 'rotate:planned', 'hunt:done', 'restore-access:skipped', 'health:done',
    ]);
    const steps = Object.fromEntries(view.steps.map((s: { id: string }) => [s.id, s]));
    expect(steps.evidence.note).toMatch(/^skipped — nothing to capture/);
    // Nothing was applied, so the check that the deny holds would fail by construction: the step says so instead.
    expect(steps.verify.note).toBe('skipped (dry run): nothing was applied, so there is no access to verify');
    expect(steps['restore-access'].note).toBe('skipped (dry run): step deny was only planned, so there is nothing to undo');
    const types = view.timeline.map((e: { type: string; step?: string }) => (e.step ? `${e.type}:${e.step}` : e.type));
    expect(types).toEqual(expect.arrayContaining(['step.dry-run:deny', 'step.dry-run:rotate']));
    expect(types).not.toContain('step.applying:deny');
    expect(await bindingsOf(kafka, principal)).toEqual([]);

    expect((await engine.post(`/v1/incidents/${id}/notes`, { text: 'rehearsal: the deny and the rotation plans were reviewed', lessons: true }, token('carol'))).body).toEqual({ accepted: true });
    await engine.closed(id);
  });
});
