// An incident stays within Temporal's limits whatever it is sent: 6,000 alerts about one subject (three times the
// updates Temporal lets one run take, each its own update here, as dry runs and drills still send them), texts of hundreds
// of kilobytes, floods of refused requests. It keeps answering its view, continues as new, and reports at close.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import type { Alert } from '../../src/model/alert.js';
import { INCIDENT_LIMITS } from '../../src/model/incident-limits.js';
import type { IncidentService } from '../../src/temporal/incidents.js';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { incidentFunnel, type IncidentFunnel } from '../support/incident-funnel.js';
import { unique } from '../support/infra.js';
import { token } from '../support/people.js';

let engine: TestEngine;
let funnel: IncidentFunnel;
let client: Client;
let incidents: IncidentService;
beforeAll(async () => {
  engine = await startTestEngine();
  funnel = await incidentFunnel(engine);
  ({ client, incidents } = funnel);
});
afterAll(async () => { await engine?.close(); await funnel?.close(); });

const alert = (principal: string, fingerprint: string, summary = `alert about ${principal}`): Alert => ({
  kind: 'test.hold', severity: 'high', summary, source: 'integration-test', observedAt: new Date().toISOString(), subject: { principal }, fingerprint,
} as Alert);
const bytes = (x: unknown) => JSON.stringify(x).length;

async function report(id: string) {
  const res = await fetch(`${engine.url}/v1/incidents/${id}/report?format=json`, { headers: { authorization: `Bearer ${token('carol')}` } });
  expect(res.status).toBe(200);
  return res.json() as Promise<{ incident: { alerts: number; status: string }; lessons: { text: string }[] }>;
}

async function closeAndArchive(id: string) {
  expect(await incidents.note(id, { person: 'carol', channel: 'api', text: 'understood', lessons: true })).toEqual({ accepted: true });
  return eventually(async () => {
    const v = await incidents.view(id);
    return v?.status === 'closed' && v.timeline.at(-1)?.type === 'archived' ? v : undefined;
  }, 120_000, `${id} to close and archive`);
}

describe('6,000 alerts about one subject', () => {
  it('are counted once each and sampled; the incident answers its view throughout, continues as new, and reports at close', async () => {
    const principal = `User:${unique('flood')}`;
    const first = await incidents.submit(alert(principal, 'flood-0'));
    expect(first).toMatchObject({ matched: true, status: 'started' });
    const id = (first as { id: string }).id;
    // Ten at a time: Temporal takes at most ten updates in flight per workflow.
    const total = 6_000;
    const statuses: Record<string, number> = {};
    for (let sent = 1; sent < total; sent += 10) {
      const answers = await Promise.all(Array.from({ length: Math.min(10, total - sent) }, (_, i) => incidents.submit(alert(principal, `flood-${sent + i}`))));
      for (const a of answers) {
        const status = a.matched && a.id === id ? a.status : 'other';
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
      if ((sent - 1) % 2_000 === 0) expect((await incidents.view(id))!.alerts).toBe(sent + 10);
    }
    expect(statuses).toEqual({ attached: total - 1 });
    expect(await incidents.submit(alert(principal, `flood-${total - 1}`))).toMatchObject({ id, status: 'duplicate' });

    const view = (await incidents.view(id))!;
    expect(view.alerts).toBe(total);
    expect(view.timeline.filter((t) => t.type === 'alert').map((t) => t.alertKey)).toHaveLength(INCIDENT_LIMITS.alertsListed);
    expect(view.timeline.filter((t) => t.type === 'alerts.sampled')).toHaveLength(1);
    expect(view.latestAlerts!.map((a) => a.summary)).toEqual(Array(5).fill(`alert about ${principal}`));
    expect(bytes(view)).toBeLessThan(64 * 1024);
    const { count: runs } = await client.workflow.count(`WorkflowId = '${id.slice(0, -9)}'`);
    expect(runs).toBeGreaterThan(1);

    const closed = await closeAndArchive(id);
    expect(closed.alerts).toBe(total);
    const r = await report(id);
    expect(r.incident).toMatchObject({ alerts: total, status: 'closed' });
    console.log(`flood: ${total} alerts, ${runs} runs, view ${bytes(view)} bytes`);
  }, 600_000);
});

describe('texts of hundreds of kilobytes', () => {
  it('are cut in the incident\'s state (kept whole in history): the view answers, the incident continues as new and reports', async () => {
    const principal = `User:${unique('long')}`;
    const huge = (c: string) => c.repeat(700 * 1024);
    // Four alerts of 700 KB each, as the finding had it: together past Temporal's 2 MB payload limit if kept whole.
    const first = await incidents.submit(alert(principal, 'long-0', huge('a')));
    const id = (first as { id: string }).id;
    for (const c of ['b', 'c', 'd']) expect(await incidents.submit(alert(principal, `long-${c}`, huge(c)))).toMatchObject({ id, status: 'attached' });
    expect(await incidents.note(id, { person: 'alice', channel: 'api', text: huge('n'), lessons: false })).toEqual({ accepted: true });

    const view = (await incidents.view(id))!;
    expect(bytes(view)).toBeLessThan(64 * 1024);
    const note = view.timeline.find((t) => t.type === 'note')!;
    expect(String(note.text)).toBe(`${'n'.repeat(INCIDENT_LIMITS.noteChars)}… [${700 * 1024 - INCIDENT_LIMITS.noteChars} more characters in the incident's history]`);
    expect(view.latestAlerts!.map((a) => a.summary.slice(0, 3))).toEqual(['bbb', 'ccc', 'ddd']);

    const closed = await closeAndArchive(id);
    expect(closed.alerts).toBe(4);
    expect((await report(id)).incident.alerts).toBe(4);
  }, 180_000);
});

describe('refusals reported by the edge', () => {
  it('are counted with the latest few kept, listed in the timeline only for the first reports', async () => {
    const principal = `User:${unique('refusals')}`;
    const id = ((await incidents.submit(alert(principal, 'refusals-0'))) as { id: string }).id;
    for (let i = 0; i < 30; i++) await incidents.refuse(id, { channel: 'email', reason: `tampered email approval link ${i}`, step: 'x' });
    // One report standing for a thousand refusals, with its own examples (the shape the edge sends per interval).
    const samples = Array.from({ length: 5 }, (_, i) => ({ at: new Date().toISOString(), channel: 'slack', reason: `signature does not match ${i}` }));
    await incidents.refuse(id, { channel: 'slack', reason: 'signature does not match 4', count: 1_000, samples });

    const view = (await incidents.view(id))!;
    expect(view.refused).toEqual({ count: 1_030, last: samples });
    const listed = view.timeline.filter((t) => t.atEdge);
    expect(listed).toHaveLength(INCIDENT_LIMITS.refusalsListed + 1);
    expect(listed.at(-1)!.reason).toBe('more than 10 reports of refused requests: the rest are counted under "refused" in the incident');
    await closeAndArchive(id);
  }, 120_000);
});
