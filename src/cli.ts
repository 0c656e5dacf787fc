// The `kafka-ir` command line: parses arguments and delegates; exit codes 0 ok, 1 failure or refused, 2 usage or validation error.
import { Command, CommanderError } from 'commander';
import { loadClientConfig, loadConfig } from './config.js';
import { KafkaIrError } from './model/errors.js';
import { createLogger } from './logger.js';
import { startEngine } from './engine.js';
import { statusCommand } from './cli/status.js';

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
