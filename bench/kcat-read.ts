// The baseline reader: Debian's kcat (librdkafka) consuming a time range of a topic to a file, with JSON envelopes.
import { spawn } from 'node:child_process';
import { openSync, closeSync, mkdtempSync, rmSync, writeFileSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InfraEnv } from '../scripts/infra/index.js';

export interface KcatRange { topic: string; fromMs: number; toMs: number; out: string }

/** `-o s@from -o e@to -e`: [from, to) on every partition, then exit; `-J`: one JSON envelope per message and line. */
export async function kcatReadRange(env: InfraEnv, r: KcatRange): Promise<{ seconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-bench-kcat-'));
  const config = join(dir, 'kcat.conf');
  // -F keeps the password out of argv (and so out of `ps`).
  writeFileSync(config, [
    `bootstrap.servers=${env.KAFKA_BROKERS}`, 'security.protocol=SASL_PLAINTEXT', `sasl.mechanisms=${env.KAFKA_SASL_MECHANISM.toUpperCase()}`,
    `sasl.username=${env.KAFKA_SASL_USERNAME}`, `sasl.password=${env.KAFKA_SASL_PASSWORD}`,
  ].join('\n'), { mode: 0o600 });
  const out = openSync(r.out, 'w', 0o600);
  try {
    const started = process.hrtime.bigint();
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn('kcat', ['-F', config, '-C', '-t', r.topic, '-o', `s@${r.fromMs}`, '-o', `e@${r.toMs}`, '-e', '-q', '-J'], { stdio: ['ignore', out, 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stderr }));
    });
    if (code !== 0) throw new Error(`kcat exited ${code}: ${stderr.slice(-2000)}`);
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    closeSync(out);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Lines in a file, streamed (the outputs are a gigabyte). */
export async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines += 1;
  }
  return lines;
}
