// The `kafka-ir` command line: parses arguments and delegates; exit codes 0 ok, 1 failure or refused, 2 usage or validation error.
import { Command, CommanderError } from 'commander';
import { loadClientConfig, loadConfig } from './config.js';
import { KafkaIrError } from './model/errors.js';
import { createLogger } from './logger.js';
import { abortCommand, answerCommand, decideCommand, drillCommand, noteCommand, type DrillOptions } from './cli/incident-actions.js';
import { listCommand, validateCommand } from './cli/runbooks.js';
import { statusCommand } from './cli/status.js';
import { evidenceVerifyCommand } from './cli/evidence.js';
import type { EvidenceExportOptions } from './cli/evidence-export.js';
import { triggerCommand, type TriggerOptions } from './cli/trigger.js';
import { reportCommand } from './cli/report.js';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

function program(): Command {
  const cli = new Command('kafka-ir')
    .description('Incident response for Apache Kafka: alerts start durable runbooks that contain, eradicate and report.')
    .exitOverride()
    .showHelpAfterError();

  cli.command('start')
    .description('run the Temporal worker and the HTTP server (embedded Temporal dev server when TEMPORAL_ADDRESS is unset)')
    .action(async () => {
      const log = createLogger();
      // The engine, the demo and the export load Temporal's worker and Kafka clients: only when they run.
      const { startEngine } = await import('./engine.js');
      const engine = await startEngine(loadConfig(), log);
      const stop = () => { void engine.close(); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await engine.done;
    });

  cli.command('status')
    .argument('[id]', 'an incident id; without it, every open incident')
    .option('--json', 'machine-readable output')
    .option('--all', 'closed incidents too')
    .description('show what an incident is doing: its phase, the steps that ran, what is waiting')
    .action(async (id: string | undefined, opts: { json?: boolean; all?: boolean }) => {
      process.exitCode = await statusCommand(loadClientConfig(), id, opts);
    });

  cli.command('trigger')
    .description('start (or attach to) an incident from an alert built from flags, or from --alert file.json')
    .option('--kind <kind>', 'alert kind, e.g. data-exfiltration')
    .option('--severity <severity>', 'low | medium | high | critical')
    .option('--principal <principal>', 'subject principal, e.g. User:sergei')
    .option('--client-id <id>', 'subject client id')
    .option('--broker-id <id>', 'subject broker id')
    .option('--host <host>', 'subject host')
    .option('--cluster <name>', 'the Kafka cluster the alert is about (the engine\'s clusters: settings); unset: its only or "default" cluster')
    .option('--topic <topic>', 'a topic involved (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--summary <text>', 'one line for people')
    .option('--alert <file>', 'a JSON file holding one generic alert')
    .option('--dry-run', 'run the runbook but stop every Kafka action at its plan')
    .option('--json', 'machine-readable output')
    .action(async (opts: TriggerOptions) => { process.exitCode = await triggerCommand(loadClientConfig(), opts); });

  cli.command('drill')
    .argument('<runbook>', 'the id of the runbook to rehearse')
    .option('--principal <principal>', 'the synthetic alert\'s principal (default User:kafka-ir-drill)')
    .option('--client-id <id>', 'its client id (default kafka-ir-drill)')
    .option('--host <host>', 'its host (default 192.0.2.1)')
    .option('--broker-id <id>', 'its broker (needed by runbooks about a broker)')
    .description('rehearse a runbook: the real people, channels and timers; plans shown, never applied; reads run for real')
    .action(async (runbook: string, opts: DrillOptions) => { process.exitCode = await drillCommand(loadClientConfig(), runbook, opts); });

  cli.command('note')
    .argument('<id>', 'incident id').argument('<text>', 'the note')
    .option('--lessons', 'this is the lessons-learned record (lets the incident close)')
    .description('add a note to an incident timeline')
    .action(async (id: string, text: string, opts: { lessons?: boolean }) => {
      process.exitCode = await noteCommand(loadClientConfig(), id, text, opts.lessons ?? false);
    });

  cli.command('approve')
    .argument('<id>', 'incident id')
    .requiredOption('--step <step-id>', 'the step waiting for approval')
    .description('approve a step (needs your personal token in KAFKA_IR_TOKEN)')
    .action(async (id: string, opts: { step: string }) => {
      process.exitCode = await decideCommand(loadClientConfig(), id, opts.step, 'approve');
    });

  cli.command('reject')
    .argument('<id>', 'incident id')
    .requiredOption('--step <step-id>', 'the step waiting for approval')
    .requiredOption('--reason <text>', 'why (shown in the timeline)')
    .description('reject a step: any reject vetoes it (needs your personal token in KAFKA_IR_TOKEN)')
    .action(async (id: string, opts: { step: string; reason: string }) => {
      process.exitCode = await decideCommand(loadClientConfig(), id, opts.step, 'reject', opts.reason);
    });

  cli.command('answer')
    .argument('<id>', 'incident id')
    .argument('<choice>', 'retry | skip | abort')
    .requiredOption('--step <step-id>', 'the failed step that asks what to do (onFailure: ask)')
    .option('--reason <text>', 'why (shown in the timeline)')
    .description("answer a failed step's question: retry it, skip it, or abort the incident (needs your personal token in KAFKA_IR_TOKEN)")
    .action(async (id: string, choice: string, opts: { step: string; reason?: string }) => {
      process.exitCode = await answerCommand(loadClientConfig(), id, opts.step, choice, opts.reason);
    });

  cli.command('abort')
    .argument('<id>', 'incident id')
    .requiredOption('--reason <text>', 'why the incident is aborted')
    .option('--rollback', 'undo every change the incident made, newest first')
    .description('abort an incident (incident commanders)')
    .action(async (id: string, opts: { reason: string; rollback?: boolean }) => {
      process.exitCode = await abortCommand(loadClientConfig(), id, opts.reason, opts.rollback ?? false);
    });

  cli.command('report')
    .argument('<id>', 'incident id')
    .option('--format <format>', 'md | html | json', 'md')
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .description('the post-mortem: timeline, metrics, approvals, actions, blast radius, evidence and lessons')
    .action(async (id: string, opts: { format?: string; output?: string }) => {
      process.exitCode = await reportCommand(loadClientConfig(), id, opts);
    });

  const runbooks = cli.command('runbooks').description('list or validate runbooks (default: the KAFKA_IR_RUNBOOKS folders)');
  const runbookPaths = (paths: string[]) => (paths.length ? paths : (process.env.KAFKA_IR_RUNBOOKS ?? './runbooks').split(':').filter(Boolean));
  runbooks.command('list').argument('[path...]').option('--json', 'machine-readable output')
    .action((paths: string[], opts: { json?: boolean }) => { process.exitCode = listCommand(runbookPaths(paths), opts.json ?? false); });
  runbooks.command('validate').argument('[path...]', 'runbook files or folders').option('--json', 'machine-readable output')
    .option('--settings <file>', 'also check what each runbook needs (secret sink, Splunk HEC, …) against this settings file and the environment, as `kafka-ir start` does')
    .action((paths: string[], opts: { json?: boolean; settings?: string }) => {
      process.exitCode = validateCommand(runbookPaths(paths), opts.json ?? false, opts.settings);
    });

  cli.command('demo')
    .description('the 3 a.m. story on a real cluster: an attacker reads with a stolen password, runbooks contain and clean up, then the answers (needs KAFKA_BROKERS; `npm run demo` starts the dev cluster)')
    .option('--json', 'print only the answers, as JSON, on stdout (progress on stderr)')
    .option('--interactive', 'ask at the terminal for each approval instead of the scripted approvers')
    .option('--access-log <paths...>', "the brokers' access-record files ({broker} where the path names the broker): the answers then come from the brokers' own records")
    .action(async (opts: { json?: boolean; interactive?: boolean; accessLog?: string[] }) => {
      const { demoCommand } = await import('./demo/run-demo.js');
      process.exitCode = await demoCommand(process.env, opts);
    });

  const evidence = cli.command('evidence').description('work with captured evidence');
  evidence.command('verify').argument('<dir>', 'an evidence directory (<evidence dir>/<incident>/<step>)')
    .option('--head <sha256>', "the custody head from the capture's output, to detect a rewritten log")
    .description('recompute hashes against manifest.json and check the custody chain; exit 0 intact, 1 tampered')
    .action(async (dir: string, opts: { head?: string }) => { process.exitCode = await evidenceVerifyCommand(dir, opts); });
  evidence.command('export')
    .description('read topics in a time range (as kafka.evidence.capture does) to an NDJSON file and/or Splunk HEC; Kafka settings as for `start`')
    .option('--topic <topic>', 'a topic to read (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .requiredOption('--from <time>', 'start, ISO-8601 or epoch ms (inclusive)')
    .option('--to <time>', 'end, ISO-8601 or epoch ms (exclusive; default: now)')
    .option('--mask <path>', 'a JSON field path whose values become "***" (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--out <file>', 'write the NDJSON here')
    .option('--splunk', 'send to Splunk HEC (SPLUNK_HEC_URL, SPLUNK_HEC_TOKEN, SPLUNK_HEC_INDEX)')
    .option('--cluster <name>', 'read from this cluster of the settings file (default: "default", else the first listed)')
    .action(async (opts: EvidenceExportOptions) => {
      const cancel = new AbortController();
      const stop = () => cancel.abort(new Error('interrupted'));
      process.once('SIGINT', stop);
      try {
        const { evidenceExportCommand } = await import('./cli/evidence-export.js');
        process.exitCode = await evidenceExportCommand(loadConfig(), opts, {
          out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`),
          tty: process.stderr.isTTY ? process.stderr : undefined, log: createLogger().child({ component: 'evidence-export' }),
        }, cancel.signal);
      } finally {
        process.off('SIGINT', stop);
      }
    });

  return cli;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof KafkaIrError) {
      process.stderr.write(`kafka-ir: ${err.message}\n`);
      return err.code === 'INVALID_CONFIG' || err.code === 'INVALID_RUNBOOK' ? EXIT.usage : EXIT.failure;
    }
    process.stderr.write(`kafka-ir: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failure;
  }
}
