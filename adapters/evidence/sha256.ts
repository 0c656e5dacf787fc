// SHA-256 of evidence: files are streamed so a large capture is never held in memory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export const sha256Of = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
