// Security baselines as a chain of files under <evidence dir>/baselines/: each written once (0600) naming the hash of the one before it.
import { link, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import type { BaselineRef } from '../../src/model/actions/cluster.js';
import { BaselineState } from '../../src/model/baseline.js';
import { KafkaIrError } from '../../src/model/errors.js';
import { sha256Of } from './sha256.js';

const baselineDir = (evidenceDir: string) => resolve(evidenceDir, 'baselines');
const USE_A_REF = "pass a ref returned by kafka.baseline.snapshot, or 'latest'";

/** Baseline file names, oldest first: ISO times without colons sort in time order. */
async function chain(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
}

/** The time a baseline file name encodes ("2026-12-07T05-30-15.123Z.json"). */
const takenAt = (name: string) => Date.parse(name.replace(/\.json$/, '').replace(/T(\d\d)-(\d\d)-(\d\d)/, 'T$1:$2:$3'));

/** Records `state` as the newest link of the chain: never overwriting a file, naming the previous one's hash. */
export async function saveBaseline(evidenceDir: string, state: Omit<BaselineState, 'previous'>): Promise<BaselineRef> {
  const dir = baselineDir(evidenceDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const last = (await chain(dir)).at(-1);
  const previous = last ? { ref: last, sha256: sha256Of(await readFile(join(dir, last))) } : null;
  // ISO time without colons: a valid file name everywhere, and names sort in time order (what 'latest' relies on).
  const ref = join(dir, `${state.takenAt.replace(/:/g, '-')}.json`);
  const body = `${JSON.stringify({ ...state, previous }, null, 2)}\n`;
  // Whole or not at all: written beside it under a name the chain ignores, then linked in (which, like 'wx', refuses
  // an existing file), so a diff or a hunt reading 'latest' meanwhile never finds it half written.
  const partial = `${ref}.${process.pid}.partial`;
  await writeFile(partial, body, { mode: 0o600, flag: 'wx' });
  try {
    await link(partial, ref);
  } finally {
    await rm(partial, { force: true });
  }
  return {
    ref,
    sha256: sha256Of(body),
    counts: { acls: state.acls.length, scramUsers: state.scramUsers.length, quotas: state.quotas.length, configs: state.configs.length },
  };
}

/**
 * A baseline file under `${evidenceDir}/baselines/`: a ref a snapshot returned, or 'latest' — the newest, or with
 * `before` the last taken at or before that time (else the earliest, said in the notes).
 */
async function locate(evidenceDir: string, baseline: string, before?: number): Promise<{ path: string; notes: string[] }> {
  const dir = baselineDir(evidenceDir);
  if (baseline === 'latest') {
    const names = await chain(dir);
    if (!names.length) throw new KafkaIrError('BASELINE_UNUSABLE', `no baseline under ${dir}`, 'run kafka.baseline.snapshot first, or set baseline.every in KAFKA_IR_CONFIG');
    if (before === undefined) return { path: join(dir, names.at(-1)!), notes: [] };
    const at = new Date(before).toISOString();
    const earlier = names.filter((n) => takenAt(n) <= before).at(-1);
    if (earlier) return { path: join(dir, earlier), notes: [`compared with the last baseline taken before ${at}`] };
    return {
      path: join(dir, names[0]!),
      notes: [`no baseline was taken before ${at}: compared with the earliest, taken ${new Date(takenAt(names[0]!)).toISOString()}; changes made between those times are not in this diff`],
    };
  }
  const path = resolve(dir, baseline);
  const rel = relative(dir, path);
  if (rel.startsWith('..') || rel === '' || rel.includes('/')) {
    throw new KafkaIrError('BASELINE_UNUSABLE', `baseline ${baseline} is not a file in ${dir}`, USE_A_REF);
  }
  return { path, notes: [] };
}

/**
 * The recorded state and the file it came from; refused when `sha256` is given and the file no longer has it, or
 * when the next baseline of the chain recorded another hash for it (the file was changed after that one was taken).
 */
export async function loadBaseline(
  evidenceDir: string, baseline: string, sha256?: string, before?: number,
): Promise<{ ref: string; state: BaselineState; notes: string[] }> {
  const { path: ref, notes } = await locate(evidenceDir, baseline, before);
  let body: Buffer;
  try {
    body = await readFile(ref);
  } catch (err) {
    throw new KafkaIrError('BASELINE_UNUSABLE', `cannot read baseline ${ref}: ${(err as Error).message}`, USE_A_REF);
  }
  const modified = 'the file was modified since the snapshot: do not trust it; take a new baseline from a known-good state';
  if (sha256 && sha256Of(body) !== sha256) throw new KafkaIrError('BASELINE_UNUSABLE', `baseline ${ref} no longer has SHA-256 ${sha256}`, modified);
  const names = await chain(baselineDir(evidenceDir));
  const next = names[names.indexOf(basename(ref)) + 1];
  if (names.includes(basename(ref)) && next) {
    const vouched = BaselineState.safeParse(JSON.parse((await readFile(join(baselineDir(evidenceDir), next))).toString('utf8')));
    const recorded = vouched.success ? vouched.data.previous : undefined;
    if (recorded && recorded.ref === basename(ref) && recorded.sha256 !== sha256Of(body)) {
      throw new KafkaIrError('BASELINE_UNUSABLE', `baseline ${ref} differs from the SHA-256 the next baseline (${next}) recorded for it`, modified);
    }
  }
  return { ref, state: BaselineState.parse(JSON.parse(body.toString('utf8'))), notes };
}
