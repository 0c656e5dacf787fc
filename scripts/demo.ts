// `npm run demo`: the dev Kafka cluster up (scripts/infra), then `kafka-ir demo` on the embedded Temporal dev server, as `npm run dev` does.
import { spawn } from 'node:child_process';
import { up } from './infra/index.js';
import { devAccessLogFiles } from './infra/paths.js';

const env = await up();
// The infra's own Temporal serves the tests; the demo runs where `kafka-ir start` would (TEMPORAL_ADDRESS from the caller, else embedded).
const { TEMPORAL_ADDRESS: _infraTemporal, KAFKA_HOME: _home, KAFKA_VERSION: _version, ...kafka } = env;
// The answers come from the dev brokers' own access records.
const child = spawn(process.execPath, ['scripts/kafka-ir-from-sources.js', 'demo', ...process.argv.slice(2), '--access-log', ...devAccessLogFiles()], {
  stdio: 'inherit',
  env: { ...process.env, ...kafka },
});
// Ctrl-C reaches the whole foreground process group: the demo rolls back on the first and quits on the second, so pass on only SIGTERM.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code) => process.exit(code ?? 1));
