// One engine, several clusters: each alert acts on its own cluster only, an unknown cluster is refused with the list,
// and a cluster that cannot be reached holds up no other cluster's incident. Checked with Kafka's own AclCommand.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { triggerCommand } from '../../src/cli/trigger.js';
import { createLogger } from '../../src/logger.js';
import { eventually, startTestEngine, type TestEngine } from '../support/engine.js';
import { infra, unique } from '../support/infra.js';
import { kafkaToolAs } from '../support/kafka-tools.js';
import { token } from '../support/people.js';
import { ephemeralPort } from '../../scripts/infra/ports.js';

/** Every ACL binding a cluster holds, as AclCommand lists it there. */
function aclsOn(brokers: string): string {
  const env = infra();
  const res = kafkaToolAs({ username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD }, 'kafka.admin.AclCommand', ['--list'], brokers);
  if (res.status !== 0) throw new Error(`AclCommand --list on ${brokers} failed: ${res.stderr}`);
  return res.stdout;
}

const alert = (principal: string, cluster?: string) => ({
  kind: 'test.auto-deny', severity: 'high', summary: 'two clusters', source: 'test', observedAt: new Date().toISOString(),
  subject: { principal, ...(cluster ? { cluster } : {}) },
});

describe('an engine serving two clusters', () => {
  let engine: TestEngine;
  const onDefault = `User:${unique('cl-a')}`;
  const onSecond = `User:${unique('cl-b')}`;
  const onGone = `User:${unique('cl-gone')}`;
  let goneId: string;

  beforeAll(async () => {
    const env = infra();
    if (!env.KAFKA_BROKERS_2) throw new Error('no second dev cluster: run `npm run infra -- up --clusters 2`');
    const sasl = { mechanism: 'scram-sha-512', username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD };
    const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-clusters-'));
    const settings = join(dir, 'settings.yaml');
    // "gone" points at a port nothing listens on: a cluster that is down or cut off.
    writeFileSync(settings, stringify({
      clusters: {
        second: { brokers: [env.KAFKA_BROKERS_2], sasl },
        gone: { brokers: [`127.0.0.1:${await ephemeralPort()}`], sasl },
      },
    }), { mode: 0o600 });
    // The unreachable cluster's retries are warnings by design: logged only at error unless LOG_LEVEL says otherwise.
    const log = createLogger({ level: process.env.LOG_LEVEL ?? 'error' });
    engine = await startTestEngine({ KAFKA_IR_CONFIG: settings, KAFKA_IR_EVIDENCE_DIR: join(dir, 'evidence') }, { log });
  }, 60_000);

  afterAll(async () => {
    if (goneId) await engine?.post(`/v1/incidents/${goneId}/decisions`, { decision: 'abort', reason: 'test clean-up', rollback: false }, token('carol')).catch(() => undefined);
    await engine?.close();
  });

  it('acts on the cluster each alert names, none when another is unreachable', async () => {
    const gone = await engine.post('/v1/alerts', alert(onGone, 'gone'));
    expect(gone.status).toBe(202);
    goneId = gone.body.incidents[0].id;
    expect(goneId).toMatch(/^ir-auto-deny\.gone-/);

    // No cluster named: the one KAFKA_BROKERS describes, "default".
    const [a, b] = await Promise.all([engine.post('/v1/alerts', alert(onDefault)), engine.post('/v1/alerts', alert(onSecond, 'second'))]);
    const idA = a.body.incidents[0].id;
    const idB = b.body.incidents[0].id;
    expect(idB).toMatch(/^ir-auto-deny\.second-/);
    const [viewA, viewB] = await Promise.all([engine.closed(idA, 60_000), engine.closed(idB, 60_000)]);
    expect([viewA.cluster, viewB.cluster]).toEqual(['default', 'second']);

    const first = aclsOn(infra().KAFKA_BROKERS);
    const second = aclsOn(infra().KAFKA_BROKERS_2!);
    expect(first).toContain(`principal=${onDefault}, host=*, operation=ALL, permissionType=DENY`);
    expect(second).toContain(`principal=${onSecond}, host=*, operation=ALL, permissionType=DENY`);
    expect(first).not.toContain(onSecond);
    expect(second).not.toContain(onDefault);
    expect(first + second).not.toContain(onGone);

    // The unreachable cluster's incident is still trying to plan its deny, and /metrics counts it under its cluster.
    const stuck = await engine.view(goneId);
    expect(stuck.cluster).toBe('gone');
    expect(stuck.status).toBe('open');
    expect(stuck.steps.find((s: { id: string }) => s.id === 'deny').status).not.toBe('done');
    await eventually(async () => {
      const metrics = await fetch(`${engine.url}/metrics`).then((r) => r.text());
      return /kafka_ir_incidents_open\{runbook="auto-deny",cluster="gone"\} [1-9]/.test(metrics) ? true : undefined;
    }, 15_000, 'the open incident on "gone" in /metrics');
  }, 90_000);

  it('refuses an alert for a cluster it does not serve, naming those it does (HTTP and CLI)', async () => {
    const refused = await engine.post('/v1/alerts', alert(`User:${unique('cl-x')}`, 'nowhere'));
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([{ path: 'subject.cluster', message: 'unknown cluster "nowhere": this engine serves "default", "second", "gone"' }]);

    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await triggerCommand(
        { host: '127.0.0.1', port: 0, publicUrl: engine.url, apiToken: undefined, token: undefined },
        { kind: 'test.auto-deny', severity: 'high', principal: `User:${unique('cl-y')}`, cluster: 'nowhere' },
      );
      expect(code).toBe(2);
      expect(stderr.mock.calls.map(([text]) => String(text)).join('')).toContain('subject.cluster: unknown cluster "nowhere": this engine serves "default", "second", "gone"');
    } finally {
      stderr.mockRestore();
    }
  });
});
