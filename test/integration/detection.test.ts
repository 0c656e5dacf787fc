// Detection end to end: a real Prometheus scrapes the dev brokers' JMX exporters with the detection pack's rules, a real
// Alertmanager sends what fires to kafka-ir, and the engine's own detections read the brokers' access records.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertScramCredential } from '../../adapters/kafka/scram.js';
import type { KafkaClient } from '../../adapters/kafka/client.js';
import { startAlertmanager, type RunningAlertmanager } from '../support/alertmanager.js';
import { abortLeftovers, startBuiltinEngine } from '../support/builtin-engine.js';
import { eventually, type TestEngine } from '../support/engine.js';
import { adminSettings, infra, unique } from '../support/infra.js';
import { admin, allow, createTopic, createUser } from '../support/kafka.js';
import { kcat, kcatConsume } from '../support/kcat.js';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus.js';

const INTAKE_TOKEN = unique('detection-intake-token');
/** The shipped rules with test-sized windows: seconds, not minutes, and a 20 kB/s fetch floor instead of 1 MiB/s. */
const testRules = () => readFileSync('detection/prometheus/kafka-detection.rules.yml', 'utf8')
  .replaceAll('[2m]', '[30s]').replaceAll(/for: \d+m/g, 'for: 0s').replace('kafka:principal_fetch_bytes:rate > 1048576', 'kafka:principal_fetch_bytes:rate > 20000');

const topic = unique('customers-detect');
const plain = unique('orders-detect');
const thief = unique('thief');
const regular = unique('regular');
const ops = unique('ops');
const prober = unique('prober');
const passwords: Record<string, string> = {};
let kafka: KafkaClient;
let engine: TestEngine;
let alertmanager: RunningAlertmanager;
let prometheus: RunningPrometheus;
const opened: string[] = [];

beforeAll(async () => {
  kafka = admin();
  for (const u of [thief, regular, ops, prober]) passwords[u] = await createUser(u);
  // 3 MB of records: read in one go, over 20 kB/s for the seconds the brokers' rate window holds it.
  await createTopic(kafka, topic);
  const producer = kafka.kafka.producer();
  await producer.connect();
  for (let batch = 0; batch < 6; batch++) {
    await producer.send({ topic, messages: Array.from({ length: 50 }, (_, i) => ({ value: `${batch}-${i}:${'x'.repeat(10_000)}` })) });
  }
  await producer.disconnect();
  await createTopic(kafka, plain, ['a', 'b']);
  const read = (t: string) => ({ resourceType: 'topic' as const, resourceName: t, patternType: 'literal' as const, operation: 'read' as const });
  await allow(kafka, `User:${thief}`, [read(topic)]);
  await allow(kafka, `User:${regular}`, [read(plain)]);
  await allow(kafka, `User:${ops}`, [{ resourceType: 'cluster', resourceName: 'kafka-cluster', patternType: 'literal', operation: 'alter' }]);
  // What `regular` did before the engine started is its baseline: this host, client id "rdkafka".
  expect(kcatConsume(regular, passwords[regular]!, plain).status).toBe(0);

  engine = await startBuiltinEngine({
    accessLog: true, env: { KAFKA_IR_INTAKE_TOKEN: INTAKE_TOKEN },
    settings: ['detections: { every: 1s, baselineWindow: 1h, rules: { deniedThenAllowed: { minDenied: 2, within: 5m } } }'],
  });
  alertmanager = await startAlertmanager(`${engine.url}/v1/alerts/alertmanager`, INTAKE_TOKEN);
  for (const target of infra().KAFKA_METRICS.split(',')) {
    const answer = await fetch(`http://${target}/metrics`).then((r) => r.text()).catch(() => '');
    if (!answer.includes('kafka_server_socket_failed_authentication_total')) {
      throw new Error(`no broker metrics at ${target}: the dev brokers were started without the JMX exporter agent; restart them once (npm run infra -- down, then up)`);
    }
  }
  prometheus = await startPrometheus({ targets: infra().KAFKA_METRICS.split(','), rules: testRules(), alertmanager: alertmanager.url });
}, 120_000);

afterAll(async () => {
  if (engine) await abortLeftovers(engine, opened);
  await prometheus?.stop();
  await alertmanager?.stop();
  await engine?.close();
  await kafka?.close();
});

/** The open incident about `principal`, once it has an alert from `source` whose summary matches. */
async function incidentWith(principal: string, source: RegExp, timeoutMs = 60_000) {
  return eventually(async () => {
    const list = (await engine.get('/v1/incidents?status=open')).body.incidents as { id: string; subject: string }[];
    for (const { id } of list.filter((i) => i.subject === principal)) {
      const view = await engine.view(id);
      if (!opened.includes(id)) opened.push(id);
      const alert = view.timeline.find((e: { type: string; source?: string }) => e.type === 'alert' && source.test(e.source ?? ''));
      if (alert) return { view, alert };
    }
    return undefined;
  }, timeoutMs, `an incident about ${principal} with an alert from ${source} (alertmanager: ${alertmanager.output().slice(-300)})`);
}

describe('detection pack on the dev brokers', () => {
  it('fires the authentication-failure burst on wrong passwords; Kafka names no user, so kafka-ir answers that no runbook can take it', async () => {
    await Promise.all(Array.from({ length: 25 }, () => new Promise<void>((resolve) => {
      spawn('kcat', ['-b', infra().KAFKA_BROKERS, '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=SCRAM-SHA-512',
        '-X', `sasl.username=${thief}`, '-X', 'sasl.password=wrong-password', '-L', '-m', '2'], { stdio: 'ignore' }).once('exit', () => resolve());
    })));
    const fired = await eventually(async () => (await prometheus.alerts()).find((a) => a.labels.alertname === 'KafkaAuthenticationFailureBurst' && a.state === 'firing'),
      30_000, 'KafkaAuthenticationFailureBurst to fire');
    expect(fired.labels).toMatchObject({ kind: 'compromised-credentials', listener: 'CLIENT' });
    expect(Number(fired.value)).toBeGreaterThanOrEqual(20);
    await eventually(async () => {
      const metrics = await (await fetch(`${engine.url}/metrics`)).text();
      return /kafka_ir_intake_alerts_total\{result="unmatched"[^}]*\} [1-9]/.test(metrics) ? true : undefined;
    }, 30_000, 'kafka-ir to count the alert as unmatched');
  });

  it('a principal reading a classified topic fast: the fetch-rate rule and the first-read detection open one data-exfiltration incident', async () => {
    // Every record, printing only its offset (the records themselves would overflow the pipe's buffer).
    const read = kcat(thief, passwords[thief]!, ['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%o\n'], 60_000);
    expect(read.status, read.stderr.slice(-500)).toBe(0);
    expect(read.stdout.trim().split('\n')).toHaveLength(300);
    const principal = `User:${thief}`;
    const { view, alert } = await incidentWith(principal, /^alertmanager$/, 60_000);
    expect(view.runbook.id).toBe('data-exfiltration');
    // The rule and the value it saw, as Prometheus wrote them.
    expect(alert.summary, alert.summary).toMatch(new RegExp(`^KafkaPrincipalFetchRateHigh: ${principal} fetches [\\d.]+[kMG]?i?B/s`));
    const first = await incidentWith(principal, /^kafka-ir detection classified-first-read$/, 30_000);
    expect(first.view.id).toBe(view.id);
    expect(first.alert.summary).toContain(`was delivered records of ${topic} (classified pii)`);
  });
});

describe('detections from the access records', () => {
  it('raises compromised-credentials when a known principal reads with a client id it never used', async () => {
    expect(kcat(regular, passwords[regular]!, ['-C', '-t', plain, '-o', 'beginning', '-e', '-q', '-X', 'client.id=exfil-tool']).status).toBe(0);
    const { view, alert } = await incidentWith(`User:${regular}`, /new-read-source/);
    expect(view.runbook.id).toBe('compromised-credentials');
    expect(alert.summary).toContain('client id "exfil-tool"');
  });

  it('raises unauthorized-access for a SCRAM user created outside a change window, about the new user', async () => {
    const backdoor = unique('svc-backdoor');
    const settings = adminSettings();
    await upsertScramCredential({ ...settings, sasl: { ...settings.sasl!, username: ops, password: passwords[ops]! } }, backdoor, 'backdoor-password-1');
    const { view, alert } = await incidentWith(`User:${backdoor}`, /security-change/);
    expect(view.runbook.id).toBe('unauthorized-access');
    expect(alert.summary).toContain(`User:${ops} created the SCRAM user ${backdoor}`);
  });

  it('raises unauthorized-access when reads refused twice are then allowed', async () => {
    const user = prober;
    for (let i = 0; i < 2; i++) expect(kcatConsume(user, passwords[user]!, plain).status).not.toBe(0);
    await allow(kafka, `User:${user}`, [{ resourceType: 'topic', resourceName: plain, patternType: 'literal', operation: 'read' }]);
    await eventually(async () => (kcatConsume(user, passwords[user]!, plain).status === 0 ? true : undefined), 20_000, 'the read to be allowed');
    const { view, alert } = await incidentWith(`User:${user}`, /denied-then-allowed/);
    expect(view.runbook.id).toBe('unauthorized-access');
    expect(alert.summary).toContain(`on Topic:LITERAL:${plain}`);
  });
});
