// Sizes as runbooks write them ("512MiB", "1GiB", "10MB", or a number of bytes), parsed to bytes; and bytes as people read them.
import { z } from 'zod';

const UNIT_BYTES = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 } as const;
const PATTERN = /^(\d+)\s*(B|KB|MB|GB|KiB|MiB|GiB)$/;

export const ByteSize = z.union([
  z.number().int().positive(),
  z.string().regex(PATTERN, 'a size is a whole number and a unit: B, KB, MB, GB, KiB, MiB or GiB (e.g. "1GiB")'),
]);
export type ByteSize = z.infer<typeof ByteSize>;

export function byteSize(size: ByteSize): number {
  if (typeof size === 'number') return size;
  const m = PATTERN.exec(size.trim());
  if (!m) throw new Error(`not a size: "${size}" (use e.g. 512MiB, 1GiB)`);
  return Number(m[1]) * UNIT_BYTES[m[2] as keyof typeof UNIT_BYTES];
}

/** Bytes as progress reports and plans show them ("812 B", "3.4 MiB", "50 MiB"). */
export function bytesText(n: number): string {
  const [unit, size] = (['GiB', 'MiB', 'KiB'] as const).map((u) => [u, UNIT_BYTES[u]] as const).find(([, b]) => n >= b) ?? ['B', 1];
  return unit === 'B' ? `${n} B` : `${(n / size).toFixed(1).replace(/\.0$/, '')} ${unit}`;
}
