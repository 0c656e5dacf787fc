// Verifies an evidence directory: files against the manifest, the custody chain, and the two against each other.
import { CUSTODY_LOG, verifyCustody } from './custody-log.js';
import { MANIFEST, readManifest, verifyManifest, type Problem } from './manifest.js';

export interface Verification { ok: boolean; problems: Problem[]; files: number; custodyEntries: number; head: string }

/**
 * `head`, when given, is the custody head recorded outside the store (the capture's output in the incident
 * history): without it, a rewrite of the last entry, or of the whole log, cannot be told from the original.
 */
export async function verifyEvidence(dir: string, head?: string): Promise<Verification> {
  let read: Awaited<ReturnType<typeof readManifest>>;
  try {
    read = await readManifest(dir);
  } catch (err) {
    return { ok: false, problems: [{ file: MANIFEST, problem: `unreadable: ${(err as Error).message}` }], files: 0, custodyEntries: 0, head: '' };
  }
  const { manifest, sha256 } = read;
  const problems = await verifyManifest(dir, manifest);
  const custody = await verifyCustody(dir);
  problems.push(...custody.problems);

  const lastManifestEntry = custody.entries.filter((e) => e.file === MANIFEST).at(-1);
  if (!lastManifestEntry) problems.push({ file: CUSTODY_LOG, problem: 'no entry records the manifest' });
  else if (lastManifestEntry.sha256 !== sha256) {
    problems.push({ file: MANIFEST, problem: 'differs from the hash in the custody log', expected: lastManifestEntry.sha256, actual: sha256 });
  }
  for (const f of manifest.files) {
    const logged = custody.entries.filter((e) => e.file === f.path).at(-1);
    if (logged && logged.sha256 !== f.sha256) {
      problems.push({ file: f.path, problem: 'manifest and custody log disagree', expected: logged.sha256, actual: f.sha256 });
    }
  }
  if (head && head !== custody.head) problems.push({ file: CUSTODY_LOG, problem: 'head differs from the recorded anchor', expected: head, actual: custody.head });
  return { ok: problems.length === 0, problems, files: manifest.files.length, custodyEntries: custody.entries.length, head: custody.head };
}
