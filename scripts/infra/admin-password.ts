// The Kafka admin password: generated once per run dir, kept there (mode 0600), never in the clone.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Alphanumeric only, so it needs no quoting in JAAS configs, StorageTool arguments or env files. */
function generate(): string {
  return randomBytes(48).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 32);
}

/** The stored password, without creating one (for status checks). */
export function storedAdminPassword(runDir: string): string | undefined {
  const file = join(runDir, 'admin-password');
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8').trim() || undefined;
}

export function adminPassword(runDir: string): string {
  const stored = storedAdminPassword(runDir);
  if (stored) return stored;
  const file = join(runDir, 'admin-password');
  mkdirSync(runDir, { recursive: true });
  const password = generate();
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}
