// Waits for the probe's lines in the brokers' access-log files: a broker logs a request once it has answered it, so its line can trail the answer.
import { open } from 'node:fs/promises';
import type { BrokerFile } from './access-files.js';

/** Where a just-written line is: the end of a file being written now. */
const TAIL_BYTES = 256 * 1024;
const RECENT_MS = 60_000;

async function tail(path: string): Promise<string> {
  const file = await open(path);
  try {
    const { size } = await file.stat();
    const n = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(n);
    await file.read(buf, 0, n, size - n);
    return buf.toString('utf8');
  } finally {
    await file.close();
  }
}

/**
 * Whether each of `brokers` that has files holds the marker's request-log and authorizer-log lines in the files it is
 * writing now. A broker with no files is not waited for: the coverage says what is missing from it.
 */
export async function probeLinesWritten(files: BrokerFile[], brokers: number[], marker: string, now = Date.now()): Promise<boolean> {
  for (const broker of brokers) {
    if (!files.some((f) => f.broker === broker)) continue;
    const active = files.filter((f) => f.broker === broker && f.mtimeMs >= now - RECENT_MS);
    const lines = (await Promise.all(active.map((f) => tail(f.path).catch(() => ''))))
      .flatMap((text) => text.split('\n')).filter((line) => line.includes(marker)).map((line) => line.trimEnd());
    if (!lines.some((l) => l.endsWith('(kafka.request.logger)')) || !lines.some((l) => l.endsWith('(kafka.authorizer.logger)'))) return false;
  }
  return true;
}
