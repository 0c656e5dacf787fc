// detection/: promtool checks and unit-tests every rule; each alert routes to a built-in runbook; the dashboard's queries parse and name real series.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

const RULES = 'detection/prometheus/kafka-detection.rules.yml';
const INSTALL = "promtool comes with Debian's prometheus package: apt-get install -y prometheus";

function tool(name: string, args: string[]) {
  const r = spawnSync(name, args, { encoding: 'utf8' });
  expect(r.error, INSTALL).toBeUndefined();
  return r;
}

interface Rule { alert?: string; record?: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> }
const rules = (): Rule[] => (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const alerts = () => rules().filter((r) => r.alert);

describe('detection pack', () => {
  it('passes promtool check rules', () => {
    const r = tool('promtool', ['check', 'rules', RULES]);
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('passes its promtool unit tests, which test every alert firing', () => {
    const r = tool('promtool', ['test', 'rules', 'detection/prometheus/kafka-detection.test.yml']);
    expect(r.stdout + r.stderr, r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.status).toBe(0);
    const tested = JSON.stringify(parse(readFileSync('detection/prometheus/kafka-detection.test.yml', 'utf8')));
    for (const { alert } of alerts()) expect(tested, `${alert} has no promtool test`).toContain(`"alertname":"${alert}"`);
  }, 120_000); // day-long series: about 2 s of CPU

  it('routes each alert by its labels to a built-in runbook that accepts its kind and severity', () => {
    const severities: Record<string, string> = { info: 'low', warning: 'medium', error: 'high', critical: 'critical' };
    const runbooks = readdirSync('runbooks').filter((f) => f.endsWith('.yaml') && !f.startsWith('_'))
      .map((f) => parse(readFileSync(join('runbooks', f), 'utf8')) as { id: string; match: { kind: string[]; severity: string[] } });
    const routed = alerts().map(({ alert, labels }) => {
      const runbook = runbooks.find((r) => r.match.kind.includes(labels!.kind!) && r.match.severity.includes(severities[labels!.severity!]!));
      return [alert, runbook?.id];
    });
    expect(Object.fromEntries(routed)).toEqual({
      KafkaAuthenticationFailureBurst: 'compromised-credentials',
      KafkaAuthorizationFailureBurst: 'unauthorized-access',
      KafkaClassifiedTopicReadSurge: 'data-exfiltration',
      KafkaPrincipalFetchRateHigh: 'data-exfiltration',
      KafkaPrincipalRequestFlood: 'denial-of-service',
    });
  });

  it('sends alerts naming a principal to kafka-ir\'s Alertmanager intake, with a config amtool accepts', () => {
    const r = tool('amtool', ['check-config', 'detection/alertmanager/alertmanager.yml']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const am = parse(readFileSync('detection/alertmanager/alertmanager.yml', 'utf8'));
    const route = am.route.routes.find((x: { receiver: string }) => x.receiver === 'kafka-ir');
    expect(route.matchers).toContain('principal=~"User:.+"');
    const receiver = am.receivers.find((x: { name: string }) => x.name === 'kafka-ir');
    expect(receiver.webhook_configs[0].url).toMatch(/\/v1\/alerts\/alertmanager$/);
  });

  it('has a Grafana dashboard whose every query parses and reads series the rules record, the brokers export or kafka-ir serves', () => {
    const dashboard = JSON.parse(readFileSync('detection/grafana/kafka-ir-detection.json', 'utf8'));
    expect(dashboard).toMatchObject({ uid: 'kafka-ir-detection', schemaVersion: expect.any(Number) });
    const exprs: string[] = dashboard.panels.flatMap((p: { targets?: { expr: string }[] }) => (p.targets ?? []).map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(10);
    // promtool parses PromQL only inside rules: each query becomes a recording rule of a throw-away file.
    const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-dash-'));
    try {
      const file = join(dir, 'dashboard.rules.yml');
      writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules: exprs.map((expr, i) => ({ record: `dashboard:q${i}`, expr: expr.replaceAll('$__rate_interval', '5m') })) }] }));
      const r = tool('promtool', ['check', 'rules', file]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const recorded = new Set(rules().flatMap((r) => (r.record ? [r.record] : [])));
    const engineMetrics = readFileSync('src/metrics/engine-metrics.ts', 'utf8');
    for (const name of exprs.join(' ').match(/\bkafka[:_][a-z0-9_:]+/g) ?? []) {
      const known = name.startsWith('kafka:') ? recorded.has(name) : engineMetrics.includes(`'${name.replace(/_bucket$/, '')}'`);
      expect(known, `${name} is neither recorded by the rules nor served by kafka-ir`).toBe(true);
    }
    const provisioning = parse(readFileSync('detection/grafana/provisioning/dashboards.yaml', 'utf8'));
    expect(provisioning.providers[0]).toMatchObject({ type: 'file', options: { path: expect.any(String) } });
  });
});
