// Assembles per-partition part files into one NDJSON file per topic, in partition order, within the global limits.
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ReadLimits } from '../kafka/read-partitions.js';

export interface Part { topic: string; file: string }
export interface Merged { topic: string; messages: number; truncated: boolean }

/** Parts in capture order; `fileOf(topic)` names the output. Limits count the NDJSON bytes that land on disk. */
export async function mergeParts(parts: Part[], fileOf: (topic: string) => string, limits: ReadLimits): Promise<Merged[]> {
  const merged: Merged[] = [];
  let messages = 0;
  let bytes = 0;
  let cut = false;
  for (const topic of [...new Set(parts.map((p) => p.topic))]) {
    const out = createWriteStream(fileOf(topic));
    const result: Merged = { topic, messages: 0, truncated: false };
    for (const part of parts.filter((p) => p.topic === topic)) {
      for await (const line of createInterface({ input: createReadStream(part.file), crlfDelay: Infinity })) {
        const size = Buffer.byteLength(line) + 1;
        if (cut || (limits.maxMessages !== undefined && messages >= limits.maxMessages)
          || (limits.maxBytes !== undefined && bytes + size > limits.maxBytes)) {
          cut = true;
          result.truncated = true;
          break;
        }
        if (!out.write(`${line}\n`)) await once(out, 'drain');
        messages += 1;
        bytes += size;
        result.messages += 1;
      }
    }
    out.end();
    await once(out, 'finish');
    merged.push(result);
  }
  return merged;
}
