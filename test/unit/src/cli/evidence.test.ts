// Evidence verification: the manifest catches changed files, the hash chain catches changed custody entries.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendCustody, CUSTODY_LOG, GENESIS, verifyCustody } from '../../../../adapters/evidence/custody-log.js';
import { MANIFEST, writeManifest } from '../../../../adapters/evidence/manifest.js';
import { sha256File, sha256Of } from '../../../../adapters/evidence/sha256.js';
import { evidenceVerifyCommand } from '../../../../src/cli/evidence.js';

let dir: string;
let head: string;

async function run(args: { head?: string } = {}) {
  const lines: string[] = [];
  const code = await evidenceVerifyCommand(dir, args, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  return { code, text: lines.join('\n') };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evidence-'));
  await writeFile(join(dir, 'orders.ndjson'), '{"offset":0}\n{"offset":1}\n');
  await writeFile(join(dir, 'metadata.json'), '{}\n');
  const files = [];
  for (const [path, messages] of [['orders.ndjson', 2], ['metadata.json', 0]] as const) files.push({ path, messages, ...(await sha256File(join(dir, path))) });
  const manifestSha = await writeManifest(dir, { version: 1, incidentId: 'ir-1', step: 'capture', files });
  head = await appendCustody(dir, [
    ...files.map((f) => ({ actor: 'test', action: 'captured', file: f.path, sha256: f.sha256 })),
    { actor: 'test', action: 'sealed', file: MANIFEST, sha256: manifestSha },
  ]);
});
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

async function editCustodyLine(i: number, edit: (e: Record<string, unknown>) => void) {
  const lines = (await readFile(join(dir, CUSTODY_LOG), 'utf8')).trimEnd().split('\n');
  const entry = JSON.parse(lines[i]!) as Record<string, unknown>;
  edit(entry);
  lines[i] = JSON.stringify(entry);
  await writeFile(join(dir, CUSTODY_LOG), `${lines.join('\n')}\n`);
}

describe('custody log', () => {
  it('links each entry to the hash of the line before it', async () => {
    const lines = (await readFile(join(dir, CUSTODY_LOG), 'utf8')).trimEnd().split('\n');
    const entries = lines.map((l) => JSON.parse(l) as { prev: string });
    expect(entries.map((e) => e.prev)).toEqual([GENESIS, sha256Of(lines[0]!), sha256Of(lines[1]!)]);
    expect((await verifyCustody(dir)).head).toBe(head);
  });
});

describe('kafka-ir evidence verify', () => {
  it('passes an untouched capture with exit 0', async () => {
    expect(await run({ head })).toEqual({ code: 0, text: expect.stringMatching(/^ok: 2 file\(s\) match manifest\.json; custody log intact \(3 entries/) });
  });

  it('names a changed data file with the expected and actual hash, exit 1', async () => {
    const expected = (await sha256File(join(dir, 'orders.ndjson'))).sha256;
    await writeFile(join(dir, 'orders.ndjson'), '{"offset":0}\n');
    const actual = (await sha256File(join(dir, 'orders.ndjson'))).sha256;
    const res = await run();
    expect(res.code).toBe(1);
    expect(res.text).toContain(`orders.ndjson: content changed\n    expected ${expected}\n    actual   ${actual}`);
  });

  it('catches a changed custody entry by the broken link after it', async () => {
    await editCustodyLine(0, (e) => { e.actor = 'someone-else'; });
    const res = await run();
    expect(res.code).toBe(1);
    expect(res.text).toContain('custody.log:2: chain broken');
  });

  it('catches a custody entry whose hash was made to match a swapped file', async () => {
    await writeFile(join(dir, 'orders.ndjson'), 'forged\n');
    const forged = (await sha256File(join(dir, 'orders.ndjson'))).sha256;
    await editCustodyLine(0, (e) => { e.sha256 = forged; });
    const res = await run();
    expect(res.code).toBe(1);
    expect(res.text).toMatch(/orders\.ndjson: content changed/);
    expect(res.text).toMatch(/custody\.log:2: chain broken/);
  });

  it('needs the recorded head to catch a rewritten last entry', async () => {
    await editCustodyLine(2, (e) => { e.at = '2000-01-01T00:00:00.000Z'; });
    expect((await run()).code).toBe(0);
    const res = await run({ head });
    expect(res.code).toBe(1);
    expect(res.text).toContain('custody.log: head differs from the recorded anchor');
  });

  it('refuses a path that is not a directory with exit 2', async () => {
    expect((await evidenceVerifyCommand(join(dir, 'nope'), {}, { out: () => {}, err: () => {} }))).toBe(2);
  });
});
