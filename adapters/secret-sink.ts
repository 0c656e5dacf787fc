// Where a rotated SCRAM secret goes before the cluster changes: a 0600 file, or an operator's command reading stdin. Never logged.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KafkaIrError } from '../src/model/errors.js';
import type { SecretSink as SinkSettings } from '../src/model/settings.js';
import { commandEnv } from './command-env.js';

export interface SecretSink {
  /**
   * Stores `secret` under `key` unless a secret is already stored there, and returns the one the sink holds,
   * so a retried rotation sets the secret an earlier attempt already handed over.
   */
  keep(key: string, user: string, secret: string): Promise<string>;
}

/** The sink key of a rotation: one per incident and step. */
export const secretKey = (incidentId: string, step: string) => `${incidentId}/${step}`;

/** `passEnv`: the settings' commandEnv, what a command sink gets of the engine's environment (adapters/command-env.ts). */
export function openSecretSink(settings: SinkSettings | undefined, passEnv: readonly string[] = []): SecretSink | undefined {
  if (!settings) return undefined;
  return settings.type === 'file' ? fileSink(settings.dir) : commandSink(settings.command, passEnv);
}

function fileSink(dir: string): SecretSink {
  return {
    async keep(key, _user, secret) {
      const mode = await mkdir(dir, { recursive: true, mode: 0o700 }).then(() => stat(dir)).then((s) => s.mode, (err: unknown) => {
        throw sinkError(`creating ${dir}`, err);
      });
      if (mode & 0o077) {
        throw new KafkaIrError('INVALID_CONFIG', `secretSink.dir ${dir} is readable by other users (mode ${(mode & 0o777).toString(8)})`, `run: chmod 700 ${dir}`);
      }
      // encodeURIComponent keeps the key one path segment ("/" becomes %2F).
      const file = join(dir, encodeURIComponent(key));
      const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temp, secret, { mode: 0o600, flag: 'wx' }).catch((err: unknown) => { throw sinkError(`writing ${temp}`, err); });
      try {
        // link() fails if the key already holds a secret: the first attempt's secret wins, atomically.
        await link(temp, file);
        return secret;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw sinkError(`writing ${file}`, err);
        return await readFile(file, 'utf8');
      } finally {
        await unlink(temp).catch(() => {});
      }
    },
  };
}

/**
 * The command cannot be read back, so a retry hands it a new secret under the same key: the command must
 * overwrite by key (KAFKA_IR_SECRET_KEY), and the cluster then gets that newest secret.
 */
function commandSink(command: string[], passEnv: readonly string[]): SecretSink {
  return {
    keep(key, user, secret) {
      return new Promise((resolve, reject) => {
        const child = spawn(command[0]!, command.slice(1), {
          stdio: ['pipe', 'ignore', 'pipe'],
          env: commandEnv(passEnv, { KAFKA_IR_SECRET_KEY: key, KAFKA_IR_SECRET_USER: user }),
          timeout: 30_000,
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-500); });
        child.on('error', (err) => reject(sinkError(`running secret sink command ${command[0]}`, err)));
        child.on('close', (code, signal) => {
          if (code === 0) return resolve(secret);
          // The command may echo its input: never let the secret into an error.
          const said = stderr.split(secret).join('***').trim();
          reject(sinkError(`secret sink command ${command[0]} exited with ${signal ?? code}${said ? `: ${said}` : ''}`));
        });
        child.stdin.on('error', () => {}); // a command that exits without reading stdin is reported by 'close'
        child.stdin.end(secret);
      });
    },
  };
}

function sinkError(what: string, cause?: unknown): KafkaIrError {
  const reason = cause instanceof Error ? `: ${cause.message}` : '';
  return new KafkaIrError('SECRET_SINK_FAILED', `${what}${reason}`, 'the cluster was not changed; fix the secret sink (KAFKA_IR_CONFIG secretSink) and it will be retried', { cause });
}
