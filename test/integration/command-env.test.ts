// The site's commands (secret sink, fence) run with a minimal environment: none of the engine's secrets, only what the settings pass.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kafkaActivities } from '../../activities/kafka/index.js';
import { describeScramUsers } from '../../adapters/kafka/scram.js';
import { Settings } from '../../src/model/settings.js';
import { eventually } from '../support/engine.js';
import { adminSettings, unique } from '../support/infra.js';
import { admin, createUser } from '../support/kafka.js';

const dir = mkdtempSync(join(tmpdir(), 'command-env-'));
const kafka = admin();
afterAll(async () => { await kafka.close(); rmSync(dir, { recursive: true, force: true }); });

// What `kafka-ir start` holds in its environment in production, and one variable the operator chose to pass.
const SECRETS = { KAFKA_SASL_PASSWORD: 'canary-kafka-password', SLACK_BOT_TOKEN: 'xoxb-canary-slack-token', KAFKA_IR_PAYLOAD_KEY: 'k1:canary-payload-key', KAFKA_IR_LINK_SECRET: 'canary-link-secret' };
const saved: Record<string, string | undefined> = {};
beforeEach(() => {
  for (const [k, v] of Object.entries({ ...SECRETS, VAULT_ADDR: 'https://vault.example:8200' })) { saved[k] = process.env[k]; process.env[k] = v; }
});
afterEach(() => { for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; } });

/** A command that records its environment in `file` (a sink also reads the secret on stdin). */
const recorder = (file: string, sink = false) => ['sh', '-c', `env > ${JSON.stringify(file)}${sink ? '; cat > /dev/null' : ''}`];
const envIn = (file: string) => Object.fromEntries(readFileSync(file, 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

describe('commands kafka-ir runs for the site', () => {
  it('a command secret sink sees its key and user, PATH and what commandEnv passes, and none of the engine\'s secrets', async () => {
    const user = unique('env-rotate');
    await createUser(user);
    await eventually(async () => ((await describeScramUsers(adminSettings())).has(user) ? true : undefined), 15_000, `${user} to propagate`);
    const file = join(dir, 'sink-env');
    const acts = kafkaActivities({ kafka, evidenceDir: dir, settings: Settings.parse({ secretSink: { type: 'command', command: recorder(file, true) }, commandEnv: ['VAULT_ADDR'] }) });
    const plan = await acts.planRotateCredentials({ incidentId: 'ir-env', step: 'rotate', input: { principal: `User:${user}` } });
    await acts.applyChanges({ incidentId: 'ir-env', step: 'rotate', changes: plan.changes });
    const env = envIn(file);
    expect(env).toMatchObject({ KAFKA_IR_SECRET_KEY: 'ir-env/rotate', KAFKA_IR_SECRET_USER: user, VAULT_ADDR: 'https://vault.example:8200' });
    expect(env.PATH).toBe(process.env.PATH);
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(env[name]).toBeUndefined();
      expect(readFileSync(file, 'utf8')).not.toContain(value);
    }
  });

  it('a fence command likewise', async () => {
    const file = join(dir, 'fence-env');
    const acts = kafkaActivities({ kafka, evidenceDir: dir, settings: Settings.parse({}) });
    await acts.applyChanges({ incidentId: 'ir-env', step: 'isolate', changes: [{ op: 'broker.fence', brokerId: 3, host: 'broker-3', command: recorder(file) }] });
    const env = envIn(file);
    expect(env.PATH).toBe(process.env.PATH);
    expect(env.VAULT_ADDR).toBeUndefined(); // not named in commandEnv here
    for (const value of Object.values(SECRETS)) expect(readFileSync(file, 'utf8')).not.toContain(value);
  });
});
