// `npm run dev`: the dev Kafka cluster up (scripts/infra), then `kafka-ir start` on the embedded Temporal dev server.
import { spawn } from 'node:child_process';
import { up } from './infra/index.js';

const env = await up();
const { TEMPORAL_ADDRESS: _infraTemporal, KAFKA_HOME: _home, KAFKA_VERSION: _version, ...kafka } = env;
const child = spawn(process.execPath, ['scripts/kafka-ir-from-sources.js', 'start'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    ...kafka,
    KAFKA_IR_RUNBOOKS: process.env.KAFKA_IR_RUNBOOKS ?? 'runbooks:test/fixtures/runbooks',
  },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
