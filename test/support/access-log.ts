// The dev cluster's access records as kafka-ir reads them: its brokers' log files, and a shipper that tails them into a topic.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { devAccessLogFiles } from '../../scripts/infra/paths.js';
import { globFiles } from '../../adapters/access-log/access-files.js';
import type { KafkaClient } from '../../adapters/kafka/client.js';

/** Each dev broker's access-record files (`npm run demo` passes the same ones). */
export { devAccessLogFiles };

/** The current access-log files of each dev broker (no rotated ones): what a shipper tails. */
export async function devLogFiles(): Promise<{ broker: number; path: string }[]> {
  const found = await Promise.all(devAccessLogFiles().map((p) => globFiles(p.replace(/\*$/, ''))));
  return found.flat().map((f) => ({ broker: Number(f.broker), path: f.path }));
}

export interface Shipper { stop(): Promise<void>; lines: number }

/**
 * A log shipper like Fluent Bit or Vector: tails the brokers' files from their current end and produces each new
 * line to `topic`, keyed by broker id; `envelope` wraps lines the way shippers do ({"message": …} or {"log": …}).
 */
export async function startShipper(kafka: KafkaClient, topic: string, envelope: (line: string, i: number) => string): Promise<Shipper> {
  const files = (await devLogFiles()).map((f) => ({ ...f, pos: existsSync(f.path) ? statSync(f.path).size : 0, rest: '' }));
  const producer = kafka.kafka.producer();
  await producer.connect();
  let stopped = false;
  const shipper = { lines: 0, stop: async () => { stopped = true; await loop; await producer.disconnect(); } };
  const tick = async () => {
    const messages: { key: string; value: string }[] = [];
    for (const f of files) {
      const size = statSync(f.path).size;
      if (size < f.pos) f.pos = 0; // rotated: the file starts again
      if (size === f.pos) continue;
      const buf = Buffer.alloc(size - f.pos);
      const fd = openSync(f.path, 'r');
      try { readSync(fd, buf, 0, buf.length, f.pos); } finally { closeSync(fd); }
      f.pos = size;
      const text = f.rest + buf.toString('utf8');
      const lines = text.split('\n');
      f.rest = lines.pop() ?? '';
      for (const line of lines) if (line) messages.push({ key: String(f.broker), value: envelope(line, shipper.lines++) });
    }
    if (messages.length) await producer.send({ topic, messages });
  };
  const loop = (async () => {
    while (!stopped) {
      await tick();
      await new Promise((r) => setTimeout(r, 200));
    }
    await tick();
  })();
  return shipper;
}
