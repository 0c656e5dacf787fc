// `kafka-ir evidence verify <dir>`: recomputes an evidence directory's hashes and custody chain; exit 0 intact, 1 tampered, 2 usage.
import { stat } from 'node:fs/promises';
import { verifyEvidence } from '../../adapters/evidence/verify-evidence.js';

export interface Output { out: (line: string) => void; err: (line: string) => void }
const stdio: Output = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

export async function evidenceVerifyCommand(dir: string, opts: { head?: string }, io: Output = stdio): Promise<number> {
  if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) {
    io.err(`kafka-ir: ${dir} is not a directory`);
    return 2;
  }
  if (opts.head !== undefined && !/^[0-9a-f]{64}$/.test(opts.head)) {
    io.err('kafka-ir: --head is the custody head (64 hex digits) from the capture\'s output');
    return 2;
  }
  const v = await verifyEvidence(dir, opts.head);
  if (v.ok) {
    io.out(`ok: ${v.files} file(s) match manifest.json; custody log intact (${v.custodyEntries} entries, head ${v.head})`);
    if (!opts.head) io.out('note: pass --head <sha256> from the capture output to also detect a rewritten last entry');
    return 0;
  }
  io.out(`TAMPERED: ${v.problems.length} problem(s) in ${dir}`);
  for (const p of v.problems) {
    io.out(`  ${p.file}: ${p.problem}${p.expected !== undefined ? `\n    expected ${p.expected}\n    actual   ${p.actual}` : ''}`);
  }
  return 1;
}
