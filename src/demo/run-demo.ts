// `kafka-ir demo`: the 3 a.m. story end to end on a real cluster — set-up, attack, alert, runbooks decided by people, the answers.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { KafkaClient } from '../../adapters/kafka/client.js';
import { saveBaseline } from '../../adapters/evidence/baseline-store.js';
import { readBaselineState } from '../../adapters/kafka/baseline-state.js';
import { secretKey } from '../../adapters/secret-sink.js';
import { AdminAudit } from '../model/admin-audit.js';
import { parseIncidentId } from '../model/incident.js';
import { createLogger } from '../logger.js';
import { answersOf, renderAnswers, saveReport, type DemoAnswers } from './answers.js';
import { approvers } from './approvers.js';
import { startDemoEngine, type DemoEngine } from './demo-engine.js';
import { progressView } from './progress-view.js';
import { attack, plantBackdoor, retrying, scenario, setUpCompany, signInRefusal, THROUGH_GROUP, WITHOUT_GROUP, type Attacker, type Scenario } from './scenario.js';
import { waitFor, waitForStep } from './wait-for.js';

export interface DemoOptions {
  /** Print only the answers, as JSON, on stdout; progress goes to stderr. */
  json?: boolean;
  /** Ask the person at the terminal for each approval. */
  interactive?: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  stdin?: NodeJS.ReadableStream;
  /** Pause before each scripted decision, in ms. */
  pauseMs?: [number, number];
  /** On Ctrl-C, abort (with rollback) what the demo opened before exiting: its worker is the only one on its task queue. */
  handleSignals?: boolean;
  /** The brokers' access-record files (settings accessLog.files, {broker} in each path); none: answers from group offsets. */
  accessLog?: string[];
}

export interface DemoResult {
  answers: DemoAnswers;
  /** The story's names and passwords (for checks; never printed). */
  story: Scenario;
  demo: Pick<DemoEngine, 'dir' | 'secretsDir' | 'evidenceDir'>;
}

async function raise(demo: DemoEngine, kind: string, principal: string, summary: string): Promise<string> {
  const res = await demo.api<{ incidents?: { id: string }[]; error?: string }>('POST', '/v1/alerts', {
    kind, severity: 'critical', summary, source: 'kafka-ir demo', observedAt: new Date().toISOString(), subject: { principal },
  });
  const id = res.body.incidents?.[0]?.id;
  if (!id) throw new Error(`the ${kind} alert started no incident (HTTP ${res.status}: ${JSON.stringify(res.body)})`);
  return id;
}

/** Aborts (as the incident commander, with rollback unless told not to) what the demo left open, so the cluster keeps no half-done change. */
async function abortOpen(demo: DemoEngine, ids: string[], reason: string, rollback = true): Promise<void> {
  for (const id of ids) {
    const v = await demo.view(id).catch(() => undefined);
    if (v?.status !== 'open') continue;
    await demo.api('POST', `/v1/incidents/${id}/decisions`, { decision: 'abort', reason, rollback }, 'ic').catch(() => undefined);
    await waitFor((i) => demo.view(i), id, 'the rollback', (x) => (x.status !== 'open' ? true : undefined), 60_000).catch(() => undefined);
  }
}

async function terminate(demo: DemoEngine, ids: string[]): Promise<void> {
  const connection = await Connection.connect({ address: demo.engine.temporalAddress }).catch(() => undefined);
  if (!connection) return;
  const client = new Client({ connection, namespace: demo.config.temporal.namespace });
  for (const id of ids) {
    const workflowId = parseIncidentId(id)?.workflowId;
    if (workflowId) await client.workflow.getHandle(workflowId).terminate('the demo was interrupted').catch(() => undefined);
  }
  await connection.close();
}

export async function runDemo(env: NodeJS.ProcessEnv, options: DemoOptions = {}): Promise<DemoResult> {
  const out = (options.json ? options.stderr : options.stdout) ?? process.stderr;
  const run = randomBytes(3).toString('hex');
  const story = scenario(run);
  const demo = await startDemoEngine(env, run, createLogger({ level: env.LOG_LEVEL ?? 'error' }), options.accessLog);
  const kafka = new KafkaClient(demo.config.kafka, undefined, 8);
  const view = (id: string) => demo.view(id);
  const progress = progressView(out, view);
  const people = approvers(demo, progress, {
    pauseMs: options.pauseMs,
    interactive: options.interactive ? { input: options.stdin ?? process.stdin, output: out } : undefined,
  });
  const opened: string[] = [];
  let attacker: Attacker | undefined;
  // Ctrl-C also stops the Temporal worker (the SDK's shutdown signals), so nothing can roll back any more: end the
  // demo's workflows, which no other worker would ever run, and say what stays (this run's own names only).
  const interrupted = () => {
    progress.say(`interrupted: ending the demo's incidents; ${story.sergei}'s DENY and ${story.backdoor} may stay on the cluster (this run's names only)`);
    void terminate(demo, opened).finally(() => process.exit(130));
  };
  if (options.handleSignals) process.once('SIGINT', interrupted);
  try {
    progress.say(`kafka-ir is up at ${demo.engine.url} (Temporal ${demo.engine.temporalAddress}); demo files in ${demo.dir}`);
    progress.say(options.accessLog?.length
      ? `the answers will come from the brokers' access records: ${options.accessLog.join(', ')}`
      : 'no access records given (--access-log): the answers come from committed group offsets, a lower bound blind to readers without a group');
    await setUpCompany(kafka, story);
    progress.say(`${story.erp} (the ERP) writes to ${Object.values(story.topics).join(', ')}; ${story.sergei} (a developer) may read them all; ${story.topics.customers} is classified pii`);
    const baseline = await saveBaseline(demo.evidenceDir, await readBaselineState(kafka));
    progress.say(`security baseline recorded: ${baseline.counts.acls} ACLs, ${baseline.counts.scramUsers} SCRAM users`);
    attacker = await attack(kafka, story);
    void attacker.cutOff.then((why) => progress.say(`the attacker is cut off by the brokers: ${why}`));
    progress.say(`03:02 — with ${story.sergei}'s leaked password an attacker reads ${story.topics[THROUGH_GROUP]} through consumer group ${story.attackerGroup}, `
      + `and ${story.topics[WITHOUT_GROUP]} by assignment: no group, nothing committed, invisible to group offsets`);
    await plantBackdoor(kafka, story);
    progress.say(`03:04 — with the same password the attacker plants a backdoor: SCRAM user ${story.backdoor} with ALLOW ALL on every topic`);

    const principal = `User:${story.sergei}`;
    const id = await raise(demo, 'data-exfiltration', principal, `${story.sergei} reads purchasing and supply data from an unknown host`);
    opened.push(id);
    progress.say(`03:07 — the SIEM fires data-exfiltration for ${principal}: incident ${id}`);
    progress.watch(id, 'exfiltration');

    let backdoor: string | null = null;
    let backdoorIncident: string | undefined;
    const rejected = await (async () => {
      if (await people.decide(id, 'deny') === 'rejected') return true;
      if (await people.decide(id, 'rotate') === 'rejected') return true;
      // The engine hunts and raises each backdoor as its own incident; the demo only follows the one its story planted.
      const hunt = AdminAudit.safeParse((await waitForStep(view, id, 'hunt', ['done', 'failed'])).output);
      const followUps = hunt.success ? hunt.data.followUps : [];
      const planted = followUps.find((f) => f.principal === `User:${story.backdoor}` && f.incident);
      if (planted) {
        backdoor = story.backdoor;
        backdoorIncident = planted.incident!;
        opened.push(backdoorIncident);
        const how = hunt.success ? hunt.data.findings.find((f) => f.target.principal === planted.principal && f.by) : undefined;
        progress.say(`the hunt found ${story.backdoor}${how ? ` (${how.says} at ${how.at})` : ''}: the engine raised ${planted.runbook} for it, incident ${backdoorIncident}`);
        progress.watch(backdoorIncident, 'backdoor');
      }
      // The dev cluster may be shared (tests, a second demo): follow-ups about others' changes are not this story's.
      const others = followUps.filter((f) => f.incident && f.incident !== backdoorIncident && f.incident !== id && f.status === 'started');
      if (others.length) {
        progress.say(`${others.length} other follow-up incident(s) about changes that are not this demo's: the incident commander ends them`);
        await abortOpen(demo, others.map((f) => f.incident!), 'not part of the demo story', false);
      }
      if (backdoorIncident) {
        if (await people.decide(backdoorIncident, 'revoke') === 'rejected') return true;
        if (await people.decide(backdoorIncident, 'delete-credentials') === 'rejected') return true;
        await waitForStep(view, backdoorIncident, 'baseline', ['done', 'failed']);
        await demo.api('POST', `/v1/incidents/${backdoorIncident}/notes`, { text: `Backdoor ${backdoor} created with the stolen access; removed.`, lessons: true }, 'ic');
        await waitFor(view, backdoorIncident, 'the backdoor incident to close', (v) => (v.status === 'closed' ? true : undefined), 60_000);
      }
      if (await people.decide(id, 'restore-access') === 'rejected') return true;
      await waitForStep(view, id, 'health', ['done', 'failed']);
      const fresh = readFileSync(join(demo.secretsDir, encodeURIComponent(secretKey(id, 'rotate'))), 'utf8').trim();
      await retrying('sergei signing in with the new password', async () => {
        const refusal = await signInRefusal(kafka.settings, story.sergei, fresh, story.topics.purchasing);
        if (refusal) throw new Error(refusal);
      });
      const stolen = await signInRefusal(kafka.settings, story.sergei, story.passwords.sergei, story.topics.purchasing);
      progress.say(`${story.sergei} reads again with the rotated password; the stolen one is ${stolen ? 'refused' : 'STILL ACCEPTED'}`);
      await demo.api('POST', `/v1/incidents/${id}/notes`, { text: 'A developer password leaked; the attacker read purchasing and supply and planted a backdoor user.', lessons: true }, 'ic');
      await waitFor(view, id, 'the incident to close', (v) => (v.status === 'closed' ? true : undefined), 60_000);
      return false;
    })();
    if (rejected) {
      progress.say('a step was rejected: the incident commander aborts and rolls back what the incidents changed');
      await abortOpen(demo, opened, 'rejected in the demo');
    }
    await progress.stop();
    const exfiltration = await saveReport(demo, await view(id));
    const second = backdoorIncident ? await saveReport(demo, await view(backdoorIncident)) : undefined;
    const answers = answersOf(exfiltration.report, backdoorIncident ?? null, backdoor, { exfiltration: exfiltration.file, backdoor: second?.file ?? null }, demo.secretsDir);
    if (!options.json) (options.stdout ?? process.stdout).write(`${renderAnswers(answers, principal)}\n`);
    return { answers, story, demo };
  } catch (err) {
    await abortOpen(demo, opened, `the demo failed: ${(err as Error).message}`);
    throw err;
  } finally {
    process.off('SIGINT', interrupted);
    people.close();
    await progress.stop();
    await attacker?.stop().catch(() => undefined);
    await kafka.close();
    await demo.close();
  }
}

/** The CLI's `demo` command: exit 0 when the story ran to the end. */
export async function demoCommand(env: NodeJS.ProcessEnv, opts: { json?: boolean; interactive?: boolean; accessLog?: string[] }): Promise<number> {
  const { answers } = await runDemo(env, { ...opts, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, handleSignals: true });
  if (opts.json) process.stdout.write(`${JSON.stringify(answers, null, 2)}\n`);
  return 0;
}
