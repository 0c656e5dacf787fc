// `npm run infra -- up [--brokers 1|2|3] [--clusters 1|2] [--tls|--no-tls] | down [--purge] | status`: parses, delegates, sets the exit code.
import { down } from './down.js';
import { InfraError } from './infra-error.js';
import { status, type InfraStatus } from './status.js';
import type { KafkaClusterStatus } from './kafka/kafka-cluster.js';
import { up } from './up.js';

const USAGE = 'usage: npm run infra -- up [--brokers 1|2|3] [--clusters 1|2] [--tls|--no-tls] | down [--purge] | status';

function printKafka(label: string, k: KafkaClusterStatus): void {
  const nodes = k.nodes.map((n) => `${n.nodeId}@${n.address}${n.pid ? ` pid ${n.pid}` : ' stopped'}`).join(', ');
  const kafkaLine = k.version ? `${k.nodes.length} node(s), Kafka ${k.version}: ${nodes}` : 'no cluster';
  console.log(`${label.padEnd(10)}${k.state.padEnd(8)} ${kafkaLine}${k.detail ? ` (${k.detail})` : ''}`);
}

function printStatus(s: InfraStatus): void {
  printKafka('kafka', s.kafka);
  if (s.secondKafka) printKafka('kafka-2', s.secondKafka);
  const t = s.temporal;
  console.log(`temporal  ${t.state.padEnd(8)} ${t.address}${t.pid ? ` pid ${t.pid}` : ''}${t.detail ? ` (${t.detail})` : ''}`);
  if (s.extraBrokers.length > 0) {
    const list = s.extraBrokers.map((b) => `${b.address} pid ${b.pid}`).join(', ');
    console.log(`extra     running  ${list} (left by tests; \`down\` stops them)`);
  }
}

/** `--name N` or `--name=N`, one of `allowed`; undefined when absent. */
function parseCount(args: string[], name: string, allowed: readonly number[]): number | undefined {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  const arg = args[i] ?? '';
  const raw = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[i + 1];
  const n = Number(raw);
  if (!allowed.includes(n)) throw new InfraError(`${name} takes ${allowed.join(', ')}\n${USAGE}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'up': {
      const started = Date.now();
      const brokers = parseCount(args, '--brokers', [1, 2, 3]);
      const clusters = parseCount(args, '--clusters', [1, 2]);
      const tls = args.includes('--tls') ? true : args.includes('--no-tls') ? false : undefined;
      const env = await up({ ...(brokers === undefined ? {} : { brokers }), ...(clusters === undefined ? {} : { clusters }), ...(tls === undefined ? {} : { tls }) });
      const second = env.KAFKA_BROKERS_2 ? `, second cluster ${env.KAFKA_BROKERS_2}` : '';
      console.log(`up in ${((Date.now() - started) / 1000).toFixed(1)}s: Kafka ${env.KAFKA_BROKERS}${second} (SASL ${env.KAFKA_SASL_MECHANISM}, metrics ${env.KAFKA_METRICS}), Temporal ${env.TEMPORAL_ADDRESS}`);
      if (env.KAFKA_SASL_SSL_BROKERS) console.log(`TLS: SASL_SSL ${env.KAFKA_SASL_SSL_BROKERS}, mTLS ${env.KAFKA_MTLS_BROKERS} (CA ${env.KAFKA_TLS_CA})`);
      console.log('wrote .infra/env');
      return 0;
    }
    case 'down': {
      const result = await down({ purge: args.includes('--purge') });
      console.log(
        `stopped ${result.kafkaNodesStopped} Kafka node(s), ${result.extraBrokersStopped} extra broker(s), ` +
          `${result.temporalStopped ? 'Temporal' : 'no Temporal'}${result.purged ? '; data purged' : ''}`,
      );
      return 0;
    }
    case 'status': {
      const s = await status();
      printStatus(s);
      return s.up ? 0 : 3;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof InfraError) {
      console.error(`infra: ${error.message}`);
    } else {
      console.error(error);
    }
    process.exit(1);
  },
);
