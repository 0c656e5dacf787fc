// Serialises up/down across processes (parallel test workers, two shells) with a pid lock file.
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from './infra-error.js';
import { progress } from './progress.js';

function holderAlive(lockFile: string): boolean {
  try {
    const pid = Number.parseInt(readFileSync(lockFile, 'utf8').trim(), 10);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function withInfraLock<T>(runDir: string, action: () => Promise<T>, timeoutMs = 15 * 60_000): Promise<T> {
  mkdirSync(runDir, { recursive: true });
  const lockFile = join(runDir, 'infra.lock');
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!holderAlive(lockFile)) {
        rmSync(lockFile, { force: true });
        continue;
      }
      if (Date.now() >= deadline) throw new InfraError(`timed out waiting for ${lockFile} (another infra command is running)`);
      if (!announced) progress('waiting for another infra command to finish…');
      announced = true;
      await sleep(500);
    }
  }
  try {
    return await action();
  } finally {
    rmSync(lockFile, { force: true });
  }
}
