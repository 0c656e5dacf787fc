// The demo's own engine, in this process: built-in runbooks, a demo roster with fresh personal tokens, a temp config and evidence dir.
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { callApi } from '../cli/api.js';
import { loadConfig, type ClientConfig, type Config } from '../config.js';
import { startEngine, type Engine } from '../engine.js';
import { KafkaIrError } from '../model/errors.js';
import type { IncidentView } from '../model/incident.js';
import type { Logger } from '../logger.js';

/** The people of runbooks/_roster.yaml; their tokens exist only in this process, the roster file holds SHA-256s. */
export const DEMO_PEOPLE = {
  ana: { name: 'Ana (Kafka on-call)', groups: ['kafka-oncall'] },
  ben: { name: 'Ben (Kafka on-call)', groups: ['kafka-oncall'] },
  sofia: { name: 'Sofia (SecOps)', groups: ['secops'] },
  omar: { name: 'Omar (SecOps)', groups: ['secops'] },
  ic: { name: 'Ivy (incident commander)', groups: ['incident-commanders'] },
} as const;
export type DemoPerson = keyof typeof DEMO_PEOPLE;

// The package's runbooks/: two folders up from src/demo/ in the sources, three from the compiled dist/src/demo/.
const BUILTIN_RUNBOOKS = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../runbooks' : '../../../runbooks', import.meta.url));

const HUNT_WINDOW = 'with: { since: "${alert.observedAt - 24h}" }';

/**
 * Copies the built-in runbooks (not their roster) into `dir`, their backdoor hunts looking back `huntLookBack` instead
 * of a day: on a cluster used before (a dev cluster, a test suite's), the day's earlier admin changes are not this
 * story's, and each would be raised as its own follow-up incident.
 */
export function copyBuiltinRunbooks(dir: string, huntLookBack: string): void {
  cpSync(BUILTIN_RUNBOOKS, dir, { recursive: true, filter: (src) => !src.endsWith('_roster.yaml') });
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    if (text.includes(HUNT_WINDOW)) writeFileSync(join(dir, file), text.replaceAll(HUNT_WINDOW, HUNT_WINDOW.replace('24h', huntLookBack)));
  }
}

const NEEDS_KAFKA = 'kafka-ir demo needs a Kafka cluster it may administer: run `npm run demo` (it starts the dev cluster first), '
  + 'or set KAFKA_BROKERS and KAFKA_SASL_MECHANISM/USERNAME/PASSWORD for a super user of a cluster you can spare';

export interface DemoEngine {
  /** Holds runbooks/, config.yaml, secrets/ (the rotated password), evidence/ and the saved report. */
  dir: string;
  secretsDir: string;
  evidenceDir: string;
  config: Config;
  engine: Engine;
  /** Calls the API as the service (alerts, views) or as a person (decisions, notes). */
  api<T>(method: 'GET' | 'POST', path: string, body?: unknown, as?: DemoPerson): Promise<{ status: number; body: T }>;
  view(id: string): Promise<IncidentView>;
  /** A non-JSON answer (e.g. a Markdown report), as the service. */
  text(path: string): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

/** Only the variables that say where Kafka and Temporal are: the demo sets everything else itself. */
function infraEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const keep = (k: string) => (k.startsWith('KAFKA_') && !k.startsWith('KAFKA_IR_')) || k === 'TEMPORAL_ADDRESS' || k === 'TEMPORAL_NAMESPACE';
  return Object.fromEntries(Object.entries(env).filter(([k]) => keep(k)));
}

/** `accessLog`: the brokers' access-record files (settings accessLog.files); without them the answers come from group offsets. */
export async function startDemoEngine(env: NodeJS.ProcessEnv, run: string, log: Logger, accessLog: string[] = []): Promise<DemoEngine> {
  const infra = infraEnv(env);
  if (!infra.KAFKA_BROKERS) throw new KafkaIrError('INVALID_CONFIG', NEEDS_KAFKA);
  const dir = mkdtempSync(join(tmpdir(), `kafka-ir-demo-${run}-`));
  const runbooks = join(dir, 'runbooks');
  copyBuiltinRunbooks(runbooks, '15m');
  const tokens = Object.fromEntries(Object.keys(DEMO_PEOPLE).map((p) => [p, randomBytes(24).toString('base64url')])) as Record<DemoPerson, string>;
  const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
  const groups: Record<string, string[]> = {};
  for (const [handle, person] of Object.entries(DEMO_PEOPLE)) for (const g of person.groups) (groups[g] ??= []).push(handle);
  writeFileSync(join(runbooks, '_roster.yaml'), stringify({
    people: Object.fromEntries(Object.entries(DEMO_PEOPLE).map(([h, p]) => [h, { name: p.name, tokenSha256: sha256(tokens[h as DemoPerson]) }])),
    groups,
  }));
  const secretsDir = join(dir, 'secrets');
  const evidenceDir = join(dir, 'evidence');
  const superUser = infra.KAFKA_SASL_USERNAME ? [`User:${infra.KAFKA_SASL_USERNAME}`] : [];
  writeFileSync(join(dir, 'config.yaml'), stringify({
    secretSink: { type: 'file', dir: secretsDir },
    authorizer: { superUsers: superUser, allowEveryoneIfNoAclFound: false },
    classifications: [{ topic: 'customers-*', label: 'pii' }],
    ...(accessLog.length ? { accessLog: { files: accessLog } } : {}),
  }));
  const serviceToken = randomBytes(24).toString('base64url');
  const config = loadConfig({
    ...infra,
    KAFKA_IR_HOST: '127.0.0.1',
    KAFKA_IR_PORT: '0',
    KAFKA_IR_RUNBOOKS: runbooks,
    KAFKA_IR_CONFIG: join(dir, 'config.yaml'),
    KAFKA_IR_EVIDENCE_DIR: evidenceDir,
    // The intake log in the run's folder, beside its evidence.
    KAFKA_IR_DATA_DIR: dir,
    // One service token for the demo's own calls: alerts (intake) and views (API).
    KAFKA_IR_API_TOKEN: serviceToken,
    KAFKA_IR_INTAKE_TOKEN: serviceToken,
    // Its own task queue: a `kafka-ir start` on the same Temporal must not pick up the demo's incidents.
    TEMPORAL_TASK_QUEUE: `kafka-ir-demo-${run}`,
    KAFKA_IR_PAYLOAD_KEY: `demo:${randomBytes(32).toString('base64')}`,
  });
  const engine = await startEngine(config, log);
  const client = (token: string): ClientConfig => ({ host: config.host, port: config.port, publicUrl: engine.url, apiToken: undefined, token });
  const api = <T>(method: 'GET' | 'POST', path: string, body?: unknown, as?: DemoPerson) =>
    callApi<T>(client(as ? tokens[as] : serviceToken), method, path, body);
  return {
    dir, secretsDir, evidenceDir, config, engine, api,
    async view(id) {
      const res = await api<IncidentView>('GET', `/v1/incidents/${id}`);
      if (res.status !== 200) throw new KafkaIrError('ENGINE_UNREACHABLE', `cannot read incident ${id} (HTTP ${res.status})`);
      return res.body;
    },
    async text(path) {
      const res = await fetch(new URL(path, engine.url), { headers: { authorization: `Bearer ${serviceToken}` } });
      return { status: res.status, text: await res.text() };
    },
    close: () => engine.close(),
  };
}
