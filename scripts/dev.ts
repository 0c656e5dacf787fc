// `npm run dev`: the dev Kafka cluster up (scripts/infra), its settings file written, then `kafka-ir start` on the embedded Temporal dev server.
import { spawn } from 'node:child_process';
import { up } from './infra/index.js';
import { writeDevSettings } from './dev-settings.js';

const env = await up();
const { TEMPORAL_ADDRESS: _infraTemporal, KAFKA_HOME: _home, KAFKA_VERSION: _version, ...kafka } = env;
const settings = process.env.KAFKA_IR_CONFIG ?? writeDevSettings().file;
console.log(`kafka-ir settings: ${settings}${process.env.KAFKA_IR_CONFIG ? ' (KAFKA_IR_CONFIG)' : ' (the dev settings; set KAFKA_IR_CONFIG to use another file)'}`);
const child = spawn(process.execPath, ['scripts/kafka-ir-from-sources.js', 'start'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    ...kafka,
    KAFKA_IR_CONFIG: settings,
    KAFKA_IR_RUNBOOKS: process.env.KAFKA_IR_RUNBOOKS ?? 'runbooks:test/fixtures/runbooks',
  },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
