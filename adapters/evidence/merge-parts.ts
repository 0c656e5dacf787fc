// Assembles per-partition part files into one NDJSON file per topic, in partition order, within the global limits,
// hashing each file as it is written.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** At most this many NDJSON bytes and messages in a whole capture (unset: no limit). */
export interface ReadLimits { maxBytes?: number; maxMessages?: number }

/** A part file of whole NDJSON lines, with the count and size its reader recorded. */
export interface Part { topic: string; file: string; messages: number; bytes: number }
export interface Merged { topic: string; messages: number; truncated: boolean; sha256: string; bytes: number }

/** Parts in capture order; `fileOf(topic)` names the output. Limits count the NDJSON bytes that land on disk. */
export async function mergeParts(parts: Part[], fileOf: (topic: string) => string, limits: ReadLimits): Promise<Merged[]> {
  const merged: Merged[] = [];
  const total = { messages: 0, bytes: 0 };
  const fits = (messages: number, bytes: number) => (limits.maxMessages === undefined || total.messages + messages <= limits.maxMessages)
    && (limits.maxBytes === undefined || total.bytes + bytes <= limits.maxBytes);
  let cut = false;
  for (const topic of [...new Set(parts.map((p) => p.topic))]) {
    const out = createWriteStream(fileOf(topic));
    const hash = createHash('sha256');
    const result = { topic, messages: 0, bytes: 0, truncated: false };
    const write = async (data: Buffer | string, messages: number) => {
      hash.update(data);
      if (!out.write(data)) await once(out, 'drain');
      const bytes = Buffer.byteLength(data);
      result.messages += messages;
      result.bytes += bytes;
      total.messages += messages;
      total.bytes += bytes;
    };
    for (const part of parts.filter((p) => p.topic === topic)) {
      if (!cut && fits(part.messages, part.bytes)) {
        // The whole part fits: copied as it is, without splitting it into lines.
        for await (const chunk of createReadStream(part.file, { highWaterMark: 1 << 20 })) await write(chunk as Buffer, 0);
        result.messages += part.messages;
        total.messages += part.messages;
        continue;
      }
      // The limit falls inside this part (or came before it): line by line up to it.
      for await (const line of createInterface({ input: createReadStream(part.file), crlfDelay: Infinity })) {
        if (cut || !fits(1, Buffer.byteLength(line) + 1)) {
          cut = true;
          result.truncated = true;
          break;
        }
        await write(`${line}\n`, 1);
      }
    }
    out.end();
    await once(out, 'finish');
    merged.push({ ...result, sha256: hash.digest('hex') });
  }
  return merged;
}
