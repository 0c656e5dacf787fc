// `kafka-ir start`: wires config, runbooks, Temporal (embedded when TEMPORAL_ADDRESS is unset), the worker and the HTTP server.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import { clusterSet, createActivities } from '../activities/index.js';
import type { ClusterSet } from '../activities/kafka/cluster-set.js';
import { KafkaClient } from '../adapters/kafka/client.js';
import { accessRecordSource } from '../adapters/access-log/access-source.js';
import { kafkaTopicMessages } from '../adapters/kafka/topic-messages.js';
import type { Config } from './config.js';
import { KafkaIrError } from './model/errors.js';
import type { Logger } from './logger.js';
import { loadRunbookSet } from './runbooks/load.js';
import { facilitiesOf, runbookSetNeeds } from './runbooks/needs.js';
import { describeAdvice, disabledRunbooks } from './model/runbook-needs.js';
import { buildServer } from './server/app.js';
import { ensureBaselineSchedule } from './temporal/baseline-schedule.js';
import { ensureEmbeddedTemporal } from './temporal/dev-server.js';
import { durationMs } from './model/duration.js';
import { createIncidentService, type IncidentService } from './temporal/incidents.js';
import { createWorker } from './temporal/worker.js';
import { clientInterceptors, LOOPBACK_HOST, temporalConnectOptions } from './temporal/connection-options.js';
import { EncryptionCodec } from './temporal/codec.js';
import { dataConverter as dataConverterFor } from './temporal/data-converter.js';
import { PayloadHealth } from './temporal/payload-health.js';
import { checkOpenHistories } from './temporal/history-check.js';
import { startKafkaIntake } from './intake/kafka-intake.js';
import { submit } from './intake/submit.js';
import { createEngineMetrics } from './metrics/engine-metrics.js';
import { countedIncidents } from './metrics/counted-incidents.js';
import { runChainHistory } from './temporal/incident-history.js';
import { createIncidentReports } from './temporal/incident-reports.js';
import { buildReport } from './report/build-report.js';
import { openIncidentsByRunbook } from './temporal/open-incidents.js';
import { slackClient } from '../adapters/slack/slack-client.js';
import { usergroupResolver } from '../adapters/slack/slack-usergroups.js';
import { EngineSeal, sealKeys } from '../adapters/engine-seal.js';
import { AlertLog } from '../adapters/intake-log/alert-log.js';
import type { IntakeRecord } from './temporal/alert-delivery.js';
import { describeScramUsers } from '../adapters/kafka/scram.js';
import { topicIdNames } from '../adapters/kafka/topic-ids.js';
import { startDetections, type RunningDetections } from './detection/run-detections.js';
import { classificationOf, type ClusterConfig } from './model/settings.js';
import { createPager } from '../adapters/paging/pager.js';

let runtimeInstalled = false;

/** Sends the Temporal runtime's logs (core, workflow and activity loggers) into pino. */
function installRuntimeLogger(log: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const temporalLog = log.child({ component: 'temporal' });
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
    TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error',
  };
  Runtime.install({
    logger: new DefaultLogger('INFO', ({ level, message, meta }) => temporalLog[levels[level]](meta ?? {}, message)),
    // Core's own warnings (e.g. a task completed after an eviction) are routine; forward only its errors, into pino.
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
}

export interface Engine {
  url: string;
  temporalAddress: string;
  /** Settles when the worker stops (rejects if it crashed). */
  done: Promise<void>;
  close(): Promise<void>;
}

export async function startEngine(config: Config, log: Logger): Promise<Engine> {
  if (!LOOPBACK_HOST.test(config.host) && (!config.intakeToken || !config.apiToken)) {
    throw new KafkaIrError('INVALID_CONFIG', `KAFKA_IR_HOST=${config.host} is beyond loopback`,
      'set KAFKA_IR_INTAKE_TOKEN and KAFKA_IR_API_TOKEN before listening on other interfaces');
  }
  if (config.temporal.address) temporalConnectOptions({ ...config.temporal, address: config.temporal.address }); // refuses before anything starts
  const { runbooks: loaded, roster } = loadRunbookSet(config.runbookDirs);
  const runbooks = loaded.map((r) => r.runbook);
  // Refuses to start, naming the group and the variable or file, when a paging key the roster names is missing.
  const pager = createPager(roster, config.paging.readEnv, config.paging);
  log.info({ runbooks: runbooks.map((r) => `${r.id}@${r.version}`) }, 'runbooks loaded');
  // Each runbook's needs on each cluster, before any incident: one that lacks a setting it cannot run without is disabled there, loudly.
  const disabled = new Map<string, Map<string, string>>();
  for (const c of config.clusters) {
    const needs = runbookSetNeeds(runbooks, facilitiesOf({
      settings: c.settings, hec: config.siem !== undefined, email: config.email !== undefined, slack: config.slack !== undefined, evidenceDir: c.evidenceDir,
    }));
    const where = config.clusters.length > 1 ? ` (cluster ${c.name})` : '';
    disabled.set(c.name, new Map([...disabledRunbooks(needs)].map(([runbook, reason]) => [runbook, `${reason}${where}`])));
    for (const [runbook, reason] of disabled.get(c.name)!) log.error({ runbook, cluster: c.name }, `${reason} (alerts for it are refused until then)`);
    for (const advice of describeAdvice(needs)) log.warn({ cluster: c.name }, `${advice}${where}`);
  }
  installRuntimeLogger(log);
  const temporalAddress = config.temporal.address ?? (await ensureEmbeddedTemporal(config.temporal.dataDir, log));

  const connectOptions = temporalConnectOptions({ ...config.temporal, address: temporalAddress });
  // One client per cluster, opened when an incident first acts there: an unreachable cluster holds up no other's.
  const clusters = clusterSet(config.clusters, (c) => {
    const kafka = new KafkaClient(c.kafka, log.child({ component: 'kafka', cluster: c.name }));
    const { accessLog } = c.settings;
    const accessRecords = accessLog ? accessRecordSource(accessLog, { topicMessages: kafkaTopicMessages(kafka) }) : undefined;
    log.info({ cluster: c.name, ...(accessRecords ? { accessRecords: accessRecords.sources } : {}) }, 'cluster opened');
    return { kafka, settings: c.settings, evidenceDir: c.evidenceDir, accessRecords };
  });
  log.info({
    clusters: config.clusters.map((c) => ({ name: c.name, brokers: c.kafka.brokers, accessRecords: c.settings.accessLog ? 'on' : 'off (blast radius from group offsets)' })),
  }, 'clusters');
  const nativeConnection = await NativeConnection.connect(connectOptions);
  // A page of history can pass gRPC's default 4 MiB (payloads up to 2 MB each): the archive and reports read whole histories.
  const connection = await Connection.connect({
    ...connectOptions, interceptors: clientInterceptors(), channelArgs: { 'grpc.max_receive_message_length': 128 * 1024 * 1024 },
  });
  const payloadHealth = new PayloadHealth(log.child({ component: 'payloads' }));
  const codec = new EncryptionCodec(config.payloadKeys ?? [], (problem) => payloadHealth.record(problem));
  if (!codec.encrypts) log.warn('KAFKA_IR_PAYLOAD_KEY is not set: alerts, plans and failure messages are stored in Temporal history in plain text');
  const dataConverter = dataConverterFor(codec);
  // The seal on what the engine sends incidents: its key never reaches Temporal (docs/operations.md, "Secrets").
  const keys = sealKeys({ decisionKeys: config.decisionKeys, payloadKeys: config.payloadKeys, dataDir: config.temporal.dataDir });
  const seal = new EngineSeal(keys.keys);
  log.info({ from: keys.source, ...(keys.file ? { file: keys.file } : {}) }, 'engine seal key');
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter });
  let backlog = () => 0;
  const metrics = createEngineMetrics({ openIncidents: () => openIncidentsByRunbook(client), intakeBacklog: () => backlog() });
  // Opened before anything can take alerts: what it holds from before a crash is delivered first.
  const intakeLog = await AlertLog.open<IntakeRecord>(config.intakeLog.dir);
  log.info({ dir: config.intakeLog.dir }, 'intake log');
  const incidents = countedIncidents(
    createIncidentService(client, config.temporal.taskQueue, () => ({ runbooks, roster, disabled: (cluster, runbook) => disabled.get(cluster)?.get(runbook) }), {
      seal,
      continueAsNewAfter: config.temporal.continueAsNewAfter,
      maxOpenPerRunbook: config.edge.maxOpenIncidents,
      clusters: config.clusters.map((c) => c.name),
      intakeLog: { log: intakeLog, maxPending: config.intakeLog.maxPending, logger: log.child({ component: 'intake-log' }) },
      notify: { slack: config.slack !== undefined, email: config.email !== undefined, page: pager !== undefined },
      ...(config.slack ? { resolveRoster: usergroupResolver(slackClient(config.slack), log) } : {}),
    }), metrics,
  );
  backlog = () => incidents.backlog();
  const worker = await createWorker({
    connection: nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: createActivities({
      clusters, evidenceDir: config.evidenceDir, siem: config.siem,
      // The hunt's follow-ups enter by the same path as every other alert: routed, deduplicated, counted.
      raiseAlert: (alert, { dryRun }) => submit(incidents, { alert }, { dryRun }),
      buildReport, historyOf: (workflowId, runId) => runChainHistory(client, workflowId, runId), onArchived: (report) => metrics.observeReport(report),
      notify: { slack: config.slack, email: config.email, publicUrl: config.publicUrl, linkSecret: config.linkSecret, pager }, seal,
    }),
    dataConverter,
    cachedIncidents: config.temporal.cachedIncidents,
  });
  for (const { name, settings: { baseline } } of config.clusters) {
    if (!baseline) continue;
    await ensureBaselineSchedule(client, config.temporal.taskQueue, durationMs(baseline.every), name);
    log.info({ cluster: name, every: baseline.every }, 'baseline schedule in place');
  }
  let ready = false;
  const running = worker.run();
  await checkOpenHistories(client, codec, config.temporal.taskQueue, payloadHealth)
    .catch((err: unknown) => log.warn({ err }, 'could not check the open incidents\' histories at start-up'));
  const intake = config.settings.intake
    ? await startKafkaIntake({ kafka: config.kafka, intake: config.settings.intake, incidents, log }).catch(async (err: unknown) => {
      worker.shutdown();
      await running.catch(() => undefined);
      throw err;
    })
    : undefined;
  const server = buildServer({
    incidents,
    intake: { alertmanager: config.settings.alertmanager },
    roster,
    codec: codec.encrypts ? codec : undefined,
    payloadProblem: () => payloadHealth.problem(),
    intakeToken: config.intakeToken,
    apiToken: config.apiToken,
    ready: () => ready && worker.getState() === 'RUNNING',
    log,
    reports: createIncidentReports({ client, incidents, evidenceDir: config.evidenceDir }),
    metrics,
    slack: config.slack,
    linkSecret: config.linkSecret,
    paging: config.paging.webhooks,
    edge: config.edge,
  });
  log.info({
    slack: config.slack ? config.slack.channel : 'off', email: config.email ? 'on' : 'off', emailLinks: config.linkSecret ? 'on' : 'off',
    paging: pager ? [...pager.groups] : 'off',
  }, 'notifications');
  if (config.email && !config.linkSecret) log.warn('KAFKA_IR_LINK_SECRET is not set: approval emails carry no links (decide in Slack or with the CLI)');
  const url = await server.listen({ host: config.host, port: config.port });
  const detections = await Promise.all(startAccessDetections(config.clusters, clusters, incidents, log));
  ready = true;
  log.info({ url, temporal: temporalAddress, taskQueue: config.temporal.taskQueue }, 'kafka-ir is ready');

  return {
    url,
    temporalAddress,
    done: running,
    async close() {
      ready = false;
      await Promise.all(detections.map((d) => d.stop()));
      await server.close();
      await intake?.stop();
      await incidents.close();
      worker.shutdown();
      await running;
      await Promise.all([clusters.close(), connection.close(), nativeConnection.close()]);
    },
  };
}

/**
 * The detections on the access records (docs/detections.md), when the settings ask for them: one run per cluster that
 * has access records, raising alerts that name their cluster.
 */
function startAccessDetections(configs: readonly ClusterConfig[], clusters: ClusterSet, incidents: IncidentService, log: Logger): Promise<RunningDetections>[] {
  const wanted = configs.filter((c) => c.settings.detections);
  if (wanted.length === 0) return [];
  const withRecords = wanted.filter((c) => c.settings.accessLog);
  if (withRecords.length === 0) {
    throw new KafkaIrError('INVALID_CONFIG', 'detections are configured but accessLog is not: they read the brokers\' access records',
      'configure accessLog in KAFKA_IR_CONFIG (docs/access-records.md), or remove detections');
  }
  return withRecords.map((c) => {
    const { kafka, accessRecords } = clusters.of(c.name);
    const settings = c.settings.detections!;
    return startDetections({
      source: accessRecords!,
      settings,
      context: {
        classificationOf: (topic) => classificationOf(c.settings, topic),
        trusted: new Set([...kafka.ownPrincipals, ...c.settings.protectedPrincipals, ...settings.ignorePrincipals]),
      },
      scramUsers: async () => (await describeScramUsers(c.kafka)).keys(),
      topicNames: () => topicIdNames(kafka),
      raise: (alert) => submit(incidents, { alert: { ...alert, subject: { ...alert.subject, cluster: c.name } } }),
      log: log.child({ component: 'detections', cluster: c.name }),
    });
  });
}
