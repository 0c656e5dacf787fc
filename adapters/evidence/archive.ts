// An incident's archive: its report and decoded history under <evidence dir>/<incident>/archive/ (0600), chained into a custody log.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appendCustody } from './custody-log.js';
import { sha256Of } from './sha256.js';

export const ARCHIVE_DIR = 'archive';
export const REPORT_FILE = 'report.json';
export const HISTORY_FILE = 'history.json';

export interface ArchivedFile { path: string; sha256: string; bytes: number }

const archiveDir = (evidenceDir: string, incidentId: string) => join(evidenceDir, incidentId, ARCHIVE_DIR);

/** `incidentId` must already be a checked incident id: it names a directory. A retry rewrites the files and appends custody again. */
export async function writeArchive(
  evidenceDir: string, incidentId: string, report: unknown, history?: unknown,
): Promise<{ dir: string; files: ArchivedFile[]; custodyHead: string }> {
  const dir = archiveDir(evidenceDir, incidentId);
  await mkdir(dir, { recursive: true, mode: 0o700 }); // the history holds alerts and plans: owner only
  const contents: [string, string][] = [[REPORT_FILE, `${JSON.stringify(report, null, 2)}\n`]];
  if (history !== undefined) contents.push([HISTORY_FILE, `${JSON.stringify(history)}\n`]);
  const files: ArchivedFile[] = [];
  for (const [path, text] of contents) {
    await writeFile(join(dir, path), text, { mode: 0o600 });
    files.push({ path, sha256: sha256Of(text), bytes: Buffer.byteLength(text) });
  }
  // Custody is appended to, never rewritten.
  const custodyHead = await appendCustody(dir, files.map((f) => ({ actor: 'kafka-ir', action: 'archived', file: f.path, sha256: f.sha256 })));
  return { dir, files, custodyHead };
}

/** The archived report as JSON (unchecked); undefined when the incident has no archive. */
export async function readArchivedReport(evidenceDir: string, incidentId: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(join(archiveDir(evidenceDir, incidentId), REPORT_FILE), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
