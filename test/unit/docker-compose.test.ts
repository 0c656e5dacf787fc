// docker-compose.yml is valid for a real Compose parser and sets only environment variables the engine reads.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_NAMES } from '../../src/config.js';
import { Settings } from '../../src/model/settings.js';
import { disabledRunbooks } from '../../src/model/runbook-needs.js';
import { loadRunbookSet } from '../../src/runbooks/load.js';
import { facilitiesOf, runbookSetNeeds } from '../../src/runbooks/needs.js';
import { brokerLog4jProperties } from '../../scripts/infra/kafka/log4j-properties.js';

describe('docker-compose.yml', () => {
  it('passes `docker-compose config -q` (Debian docker-compose; no engine needed)', () => {
    const r = spawnSync('docker-compose', ['config', '-q'], {
      encoding: 'utf8', env: { ...process.env, KAFKA_ADMIN_PASSWORD: 'p', KAFKA_IR_INTAKE_TOKEN: 'i'.repeat(16), KAFKA_IR_API_TOKEN: 'a'.repeat(16) },
    });
    expect(r.error, 'install Debian\'s docker-compose package (apt-get install docker-compose)').toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('gives kafka-ir only variables its config schema knows, and the essential ones', () => {
    const compose = parse(readFileSync('docker-compose.yml', 'utf8'));
    const names = Object.keys(compose.services['kafka-ir'].environment);
    expect(names.filter((n) => !ENV_NAMES.includes(n))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['KAFKA_BROKERS', 'KAFKA_SASL_PASSWORD', 'TEMPORAL_ADDRESS', 'KAFKA_IR_API_TOKEN']));
  });

  it('gives the broker the generated access-log config, and kafka-ir valid settings that read the records it writes', () => {
    const compose = parse(readFileSync('docker-compose.yml', 'utf8'));
    const logs = readFileSync('docker/kafka-log4j.properties', 'utf8');
    expect(logs.slice(logs.indexOf('\n') + 1)).toBe(brokerLog4jProperties({ logDir: '${kafka.logs.dir}', accessLogDir: '/usr/logs', brokerPrincipal: 'User:admin' }));
    expect(compose.services.kafka.environment.KAFKA_LOG4J_OPTS).toBe('-Dlog4j.configuration=file:/etc/kafka-ir/log4j.properties');
    expect(compose.services.kafka.volumes).toEqual(expect.arrayContaining(['./docker/kafka-log4j.properties:/etc/kafka-ir/log4j.properties:ro', 'kafka-access-log:/usr/logs']));
    expect(compose.services['kafka-ir'].volumes).toContain('kafka-access-log:/var/log/kafka:ro');
    const settings = Settings.parse(parse(readFileSync('docker/kafka-ir.yaml', 'utf8')));
    expect(settings.accessLog?.files).toEqual([{ broker: 1, paths: ['/var/log/kafka/kafka-request.log*', '/var/log/kafka/kafka-authorizer.log*'] }]);
    // With it, the engine in the image disables none of the built-in runbooks it ships (/app/runbooks). The container's
    // evidence folder is not on this machine: a writable one stands in for it.
    const facilities = facilitiesOf({ settings, hec: false, email: false, slack: false, evidenceDir: tmpdir() });
    expect(disabledRunbooks(runbookSetNeeds(loadRunbookSet(['runbooks']).runbooks.map((r) => r.runbook), facilities))).toEqual(new Map());
  });

  it('starts the broker with the detection pack\'s JMX exporter and Prometheus with its rules', () => {
    const compose = parse(readFileSync('docker-compose.yml', 'utf8'));
    expect(compose.services.kafka.environment.KAFKA_OPTS).toBe('-javaagent:/opt/jmx/jmx_prometheus_javaagent.jar=9404:/etc/kafka-ir/jmx-exporter.yaml');
    expect(compose.services.kafka.volumes).toEqual(expect.arrayContaining(['./detection/jmx-exporter.yaml:/etc/kafka-ir/jmx-exporter.yaml:ro', 'jmx-agent:/opt/jmx:ro']));
    expect(compose.services['jmx-agent'].command.at(-1)).toBe(
      'https://repo1.maven.org/maven2/io/prometheus/jmx/jmx_prometheus_javaagent/1.0.1/jmx_prometheus_javaagent-1.0.1.jar');
    const prometheus = parse(readFileSync('detection/prometheus/prometheus.yml', 'utf8'));
    expect(prometheus.scrape_configs.map((s: { static_configs: { targets: string[] }[] }) => s.static_configs[0]!.targets[0])).toEqual(['kafka:9404', 'kafka-ir:8080']);
  });
});
