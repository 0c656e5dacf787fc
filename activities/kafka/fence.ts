// The site's fence command (settings.fenceCommand), run after a broker is drained: the one step of isolation outside Kafka.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { KafkaIrError } from '../../src/model/errors.js';
import type { Change } from '../../src/model/plan.js';
import { commandEnv } from '../../adapters/command-env.js';

const run = promisify(execFile);

/** The command with {brokerId} and {host} substituted, as it will appear in the plan. */
export function fenceArgv(command: string[], brokerId: number, host: string): string[] {
  return command.map((arg) => arg.replaceAll('{brokerId}', String(brokerId)).replaceAll('{host}', host));
}

/** Runs each fence command; kafka-ir cannot see whether a fence is in place, so the command itself must be idempotent. */
/** The command runs with a minimal environment (adapters/command-env.ts): `passEnv` is the settings' commandEnv. */
export async function applyFenceChanges(changes: Change[], passEnv: readonly string[] = []): Promise<{ changed: Change[]; alreadyInPlace: number }> {
  const fences = changes.filter((c): c is Extract<Change, { op: 'broker.fence' }> => c.op === 'broker.fence');
  for (const f of fences) {
    const [file, ...args] = f.command as [string, ...string[]];
    try {
      await run(file, args, { timeout: 60_000, maxBuffer: 1024 * 1024, env: commandEnv(passEnv) });
    } catch (err) {
      const e = err as { code?: unknown; stderr?: string; killed?: boolean };
      const why = e.killed ? 'timed out after 60 s' : `exited with ${String(e.code)}`;
      throw new KafkaIrError('FENCE_FAILED', `fence command for broker ${f.brokerId} (${file}) ${why}: ${(e.stderr ?? '').trim().slice(-500)}`,
        'the broker is drained and capped but not fenced: fix the command (settings.fenceCommand) and retry the step, or fence it by hand');
    }
  }
  return { changed: fences, alreadyInPlace: 0 };
}
