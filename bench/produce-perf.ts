// Fills a topic fast with Kafka's own ProducerPerformance (kafka-producer-perf-test) from the cluster's jars.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InfraEnv } from '../scripts/infra/index.js';

export interface PerfProduce { topic: string; records: number; recordSize: number; payload: 'json' | 'text' }

/**
 * A JSON object of exactly `size` bytes (ASCII): what evidence usually holds, so the capture takes its JSON path.
 * Distinct documents, so no two neighbouring messages are byte-identical.
 */
export function jsonPayload(i: number, size: number): string {
  const head = { id: `evt-${i}`, principal: `User:app-${i % 97}`, amount: (i * 7919) % 100_000 / 100, currency: 'EUR', at: new Date(1_767_225_600_000 + i * 1000).toISOString(), note: '' };
  const bare = JSON.stringify(head).length;
  if (bare > size) throw new Error(`a ${size}-byte JSON payload is too small; use --record-size ≥ ${bare}`);
  return JSON.stringify({ ...head, note: 'x'.repeat(size - bare) });
}

/** Runs the tool to completion; the admin password goes in a 0600 file, never on the command line. */
export async function producePerf(env: InfraEnv, p: PerfProduce): Promise<{ seconds: number; summary: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-bench-produce-'));
  try {
    const config = join(dir, 'producer.properties');
    writeFileSync(config, [
      `bootstrap.servers=${env.KAFKA_BROKERS}`, 'security.protocol=SASL_PLAINTEXT', `sasl.mechanism=${env.KAFKA_SASL_MECHANISM.toUpperCase()}`,
      `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${env.KAFKA_SASL_USERNAME}" password="${env.KAFKA_SASL_PASSWORD}";`,
      // Big batches: the point is to fill the topic, not to measure the producer.
      'acks=1', 'linger.ms=20', 'batch.size=524288', 'buffer.memory=134217728', 'compression.type=none',
    ].join('\n'), { mode: 0o600 });
    const payloadArgs = ['--record-size', String(p.recordSize)];
    if (p.payload === 'json') {
      const file = join(dir, 'payloads.ndjson');
      writeFileSync(file, Array.from({ length: 1000 }, (_, i) => jsonPayload(i, p.recordSize)).join('\n'));
      payloadArgs.splice(0, 2, '--payload-file', file);
    }
    const args = [
      '-Xmx512m', `-Dlog4j.configuration=file:${join(env.KAFKA_HOME, 'config', 'tools-log4j.properties')}`,
      '-cp', join(env.KAFKA_HOME, 'lib', '*'), 'org.apache.kafka.tools.ProducerPerformance',
      '--topic', p.topic, '--num-records', String(p.records), '--throughput', '-1', ...payloadArgs, '--producer.config', config,
    ];
    const started = process.hrtime.bigint();
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
      child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
    if (code !== 0) throw new Error(`ProducerPerformance exited ${code}: ${stderr.slice(-2000)}`);
    const summary = stdout.trim().split('\n').filter((l) => / records sent, /.test(l)).at(-1) ?? stdout.trim();
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, summary };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
