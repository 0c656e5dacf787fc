// kafka.baseline.snapshot / kafka.baseline.diff: the security state recorded under the evidence directory, and what changed since.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { ActionInput } from '../../src/model/actions.js';
import type { BaselineRef } from '../../src/model/actions/cluster.js';
import { BaselineState, diffBaselines, type BaselineDiff } from '../../src/model/baseline.js';
import { KafkaIrError } from '../../src/model/errors.js';
import { readBaselineState } from '../../adapters/kafka/baseline-state.js';
import type { KafkaClient } from '../../adapters/kafka/client.js';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const baselineDir = (evidenceDir: string) => resolve(evidenceDir, 'baselines');

export async function snapshotBaseline(client: KafkaClient, evidenceDir: string): Promise<BaselineRef> {
  const state = await readBaselineState(client);
  const dir = baselineDir(evidenceDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // ISO time without colons: a valid file name everywhere, and names sort in time order (what 'latest' relies on).
  const ref = join(dir, `${state.takenAt.replace(/:/g, '-')}.json`);
  const body = `${JSON.stringify(state, null, 2)}\n`;
  await writeFile(ref, body, { mode: 0o600, flag: 'wx' });
  return {
    ref,
    sha256: sha256(body),
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

export async function diffBaseline(client: KafkaClient, evidenceDir: string, input: ActionInput<'kafka.baseline.diff'>): Promise<BaselineDiff> {
  const ref = await locate(evidenceDir, input.baseline);
  let body: Buffer;
  try {
    body = await readFile(ref);
  } catch (err) {
    throw new KafkaIrError('BASELINE_UNUSABLE', `cannot read baseline ${ref}: ${(err as Error).message}`, "pass a ref returned by kafka.baseline.snapshot, or 'latest'");
  }
  if (input.sha256 && sha256(body) !== input.sha256) {
    throw new KafkaIrError('BASELINE_UNUSABLE', `baseline ${ref} no longer has SHA-256 ${input.sha256}`, 'the file was modified since the snapshot: do not trust it; take a new baseline from a known-good state');
  }
  const before = BaselineState.parse(JSON.parse(body.toString('utf8')));
  return diffBaselines(ref, before, await readBaselineState(client));
}
