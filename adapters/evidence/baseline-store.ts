// Security baselines as files under <evidence dir>/baselines/: written once (0600), found by ref or 'latest', checked against their hash.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { BaselineRef } from '../../src/model/actions/cluster.js';
import { BaselineState } from '../../src/model/baseline.js';
import { KafkaIrError } from '../../src/model/errors.js';
import { sha256Of } from './sha256.js';

const baselineDir = (evidenceDir: string) => resolve(evidenceDir, 'baselines');

export async function saveBaseline(evidenceDir: string, state: BaselineState): Promise<BaselineRef> {
  const dir = baselineDir(evidenceDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // ISO time without colons: a valid file name everywhere, and names sort in time order (what 'latest' relies on).
  const ref = join(dir, `${state.takenAt.replace(/:/g, '-')}.json`);
  const body = `${JSON.stringify(state, null, 2)}\n`;
  await writeFile(ref, body, { mode: 0o600, flag: 'wx' });
  return {
    ref,
    sha256: sha256Of(body),
    counts: { acls: state.acls.length, scramUsers: state.scramUsers.length, quotas: state.quotas.length, configs: state.configs.length },
  };
}

/** A baseline file under `${evidenceDir}/baselines/`: 'latest', or a ref a snapshot returned. */
async function locate(evidenceDir: string, baseline: string): Promise<string> {
  const dir = baselineDir(evidenceDir);
  if (baseline === 'latest') {
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
    if (!names.length) throw new KafkaIrError('BASELINE_UNUSABLE', `no baseline under ${dir}`, 'run kafka.baseline.snapshot first');
    return join(dir, names.at(-1)!);
  }
  const path = resolve(dir, baseline);
  const rel = relative(dir, path);
  if (rel.startsWith('..') || rel === '' || rel.includes('/')) {
    throw new KafkaIrError('BASELINE_UNUSABLE', `baseline ${baseline} is not a file in ${dir}`, "pass a ref returned by kafka.baseline.snapshot, or 'latest'");
  }
  return path;
}

/** The recorded state and the file it came from; refused when `sha256` is given and the file no longer has it. */
export async function loadBaseline(evidenceDir: string, baseline: string, sha256?: string): Promise<{ ref: string; state: BaselineState }> {
  const ref = await locate(evidenceDir, baseline);
  let body: Buffer;
  try {
    body = await readFile(ref);
  } catch (err) {
    throw new KafkaIrError('BASELINE_UNUSABLE', `cannot read baseline ${ref}: ${(err as Error).message}`, "pass a ref returned by kafka.baseline.snapshot, or 'latest'");
  }
  if (sha256 && sha256Of(body) !== sha256) {
    throw new KafkaIrError('BASELINE_UNUSABLE', `baseline ${ref} no longer has SHA-256 ${sha256}`, 'the file was modified since the snapshot: do not trust it; take a new baseline from a known-good state');
  }
  return { ref, state: BaselineState.parse(JSON.parse(body.toString('utf8'))) };
}
