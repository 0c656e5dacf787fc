// Streams one log file (plain or gzip) through the parser in chunks: memory stays at a chunk plus the longest line allowed.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { AccessLineParser } from './access-line-parser.js';

const CHUNK = 1 << 20;

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** The file's bytes, decompressed when it is gzip (rotated files often are, whatever their name). */
export async function fileStream(path: string): Promise<Readable> {
  const raw = createReadStream(path, { highWaterMark: CHUNK });
  if (!(await isGzip(path))) return raw;
  const gunzip = createGunzip({ chunkSize: CHUNK });
  raw.on('error', (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}

/**
 * Feeds every line of `stream` to the parser. A line longer than `maxLineBytes` is counted as truncated and skipped
 * up to its end, so one runaway line cannot hold the whole file in memory.
 */
export async function parseStream(
  stream: Readable, parser: AccessLineParser, broker: number, name: string, maxLineBytes: number, signal?: AbortSignal,
): Promise<{ bytes: number; lines: number }> {
  let carry: Buffer | undefined;
  let skipping = false;
  let lineNo = 1;
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    signal?.throwIfAborted();
    bytes += chunk.length;
    let start = 0;
    const firstNl = chunk.indexOf(10);
    if (skipping || carry) {
      if (firstNl === -1) {
        // Still inside one long line: keep it for the next chunk, unless it is already too long.
        if (!skipping && carry!.length + chunk.length > maxLineBytes) { parser.truncated(); skipping = true; carry = undefined; }
        else if (!skipping) carry = Buffer.concat([carry!, chunk]);
        continue;
      }
      // Only the line that spans the two chunks is copied, not the chunk.
      if (skipping) { skipping = false; lineNo++; } else lineNo = parser.lines(Buffer.concat([carry!, chunk.subarray(0, firstNl + 1)]), 0, carry!.length + firstNl, broker, name, lineNo);
      carry = undefined;
      start = firstNl + 1;
    }
    const lastNl = chunk.lastIndexOf(10);
    if (lastNl >= start) lineNo = parser.lines(chunk, start, lastNl, broker, name, lineNo);
    const from = Math.max(start, lastNl + 1);
    const rest = chunk.length - from;
    if (rest > maxLineBytes) { parser.truncated(); skipping = true; } else if (rest > 0) carry = Buffer.from(chunk.subarray(from));
  }
  // A last line without its newline: a broker mid-write, or a file cut short. The parser tells which.
  if (carry && !skipping) lineNo = parser.lines(carry, 0, carry.length, broker, name, lineNo);
  return { bytes, lines: lineNo - 1 };
}
