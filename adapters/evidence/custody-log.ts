// The chain-of-custody log: append-only NDJSON where each entry carries the SHA-256 of the entry before it.
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Problem } from './manifest.js';
import { sha256Of } from './sha256.js';

export const CUSTODY_LOG = 'custody.log';
export const GENESIS = '0'.repeat(64);

export const CustodyEntry = z.strictObject({
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  file: z.string().optional(),
  sha256: z.string(),
  /** SHA-256 of the previous line as written (GENESIS for the first). */
  prev: z.string(),
});
export type CustodyEntry = z.infer<typeof CustodyEntry>;

async function readLines(dir: string): Promise<string[]> {
  try {
    return (await readFile(join(dir, CUSTODY_LOG), 'utf8')).split('\n').filter((l) => l.length > 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Appends entries after whatever the log holds (a retry adds to the history, never rewrites it); returns the new head. */
export async function appendCustody(dir: string, entries: Omit<CustodyEntry, 'prev' | 'at'>[], at = new Date()): Promise<string> {
  const lines = await readLines(dir);
  let prev = lines.length ? sha256Of(lines[lines.length - 1]!) : GENESIS;
  let text = '';
  for (const e of entries) {
    const line = JSON.stringify({ at: at.toISOString(), actor: e.actor, action: e.action, ...(e.file ? { file: e.file } : {}), sha256: e.sha256, prev });
    text += `${line}\n`;
    prev = sha256Of(line);
  }
  await appendFile(join(dir, CUSTODY_LOG), text);
  return prev;
}

/** Checks the chain link by link; returns the entries, the head hash and what is broken (by line number). */
export async function verifyCustody(dir: string): Promise<{ entries: CustodyEntry[]; head: string; problems: Problem[] }> {
  const lines = await readLines(dir);
  const problems: Problem[] = [];
  const entries: CustodyEntry[] = [];
  let expectedPrev = GENESIS;
  lines.forEach((line, i) => {
    const where = `${CUSTODY_LOG}:${i + 1}`;
    const parsed = CustodyEntry.safeParse((() => { try { return JSON.parse(line) as unknown; } catch { return undefined; } })());
    if (!parsed.success) problems.push({ file: where, problem: 'not a custody entry' });
    else {
      entries.push(parsed.data);
      if (parsed.data.prev !== expectedPrev) {
        problems.push({ file: where, problem: 'chain broken: the previous entry was changed', expected: parsed.data.prev, actual: expectedPrev });
      }
    }
    expectedPrev = sha256Of(line);
  });
  if (lines.length === 0) problems.push({ file: CUSTODY_LOG, problem: 'missing or empty' });
  return { entries, head: expectedPrev, problems };
}
