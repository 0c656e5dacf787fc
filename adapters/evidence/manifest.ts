// The evidence manifest: SHA-256 and size of every captured file, and the check of a directory against it.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { EvidenceFile } from '../../src/model/actions/forensics.js';
import { sha256File, sha256Of } from './sha256.js';

export const MANIFEST = 'manifest.json';

export const Manifest = z.strictObject({
  version: z.literal(1),
  incidentId: z.string(),
  step: z.string(),
  files: z.array(EvidenceFile),
});
export type Manifest = z.infer<typeof Manifest>;

export interface Problem { file: string; problem: string; expected?: string; actual?: string }

/** Writes manifest.json; no capture time in it, so the same data always yields the same manifest bytes. */
export async function writeManifest(dir: string, manifest: Manifest): Promise<string> {
  const text = `${JSON.stringify({ ...manifest, files: [...manifest.files].sort((a, b) => a.path.localeCompare(b.path)) }, null, 2)}\n`;
  await writeFile(join(dir, MANIFEST), text);
  return sha256Of(text);
}

export async function readManifest(dir: string): Promise<{ manifest: Manifest; sha256: string }> {
  const text = await readFile(join(dir, MANIFEST), 'utf8');
  return { manifest: Manifest.parse(JSON.parse(text)), sha256: sha256Of(text) };
}

/** Recomputes every listed file's hash; a missing or changed file is a problem. */
export async function verifyManifest(dir: string, manifest: Manifest): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const f of manifest.files) {
    try {
      const actual = await sha256File(join(dir, f.path));
      if (actual.sha256 !== f.sha256) problems.push({ file: f.path, problem: 'content changed', expected: f.sha256, actual: actual.sha256 });
    } catch (err) {
      problems.push({ file: f.path, problem: `cannot read: ${(err as Error).message}` });
    }
  }
  return problems;
}
