// Benchmark: what the access records cost a broker — an extra broker (the generated log config), a consumer fetching
// as fast as it can from a topic a producer keeps filling, in alternating phases with the request and authorizer
// loggers at DEBUG (records on) and at WARN (off): broker CPU per second and per fetch, and log bytes per fetch.
// Usage: npm run bench -- access-log-cost [--seconds 20] [--rounds 2] [--rate 200] [--note text]
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaJsConfig } from '../adapters/kafka/client.js';
import { readInfraEnv, startExtraBroker } from '../scripts/infra/index.js';
import { AUTHORIZER_LOG, REQUEST_LOG } from '../scripts/infra/kafka/log4j-properties.js';
import { setAccessLogLevels } from '../scripts/infra/kafka/access-log-levels.js';
import { numberArg } from './args.js';
import { processCpuSeconds } from './machine.js';
import { markdownTable, startRun } from './report.js';

const seconds = numberArg('--seconds', 20);
const rounds = numberArg('--rounds', 2);
const rate = numberArg('--rate', 200);
const run = startRun('access-log-cost', { 'seconds per phase': seconds, rounds, 'messages produced per second': rate, 'consumer maxWaitTimeInMs': 20 });
const env = readInfraEnv();
const broker = await startExtraBroker({ name: 'bench-access-log-cost' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const brokerCpu = () => processCpuSeconds(broker.pid);
const logBytes = () => [REQUEST_LOG, AUTHORIZER_LOG].reduce((n, f) => n + statSync(join(broker.logDir, f)).size, 0);

try {
  const kafka = new Kafka({ ...kafkaJsConfig({ brokers: [broker.brokers], sasl: { mechanism: 'scram-sha-512', username: 'admin', password: broker.password }, ssl: false }, 'bench-cost'), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'cost', numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  let producing = true;
  const produced = (async () => {
    let i = 0;
    while (producing) {
      await producer.send({ topic: 'cost', messages: Array.from({ length: rate / 10 }, () => ({ value: `m-${i++}`.padEnd(200, '.') })) });
      await sleep(100);
    }
  })();
  let fetches = 0;
  const consumer = kafka.consumer({ groupId: 'bench-cost', maxWaitTimeInMs: 20 });
  consumer.on(consumer.events.REQUEST, ({ payload }) => { if (payload.apiName === 'Fetch') fetches++; });
  await consumer.connect();
  await consumer.subscribe({ topic: 'cost', fromBeginning: true });
  await consumer.run({ eachMessage: async () => {} });
  await sleep(5_000);

  const ext = { KAFKA_BROKERS: broker.brokers, KAFKA_HOME: env.KAFKA_HOME, KAFKA_SASL_USERNAME: 'admin', KAFKA_SASL_PASSWORD: broker.password };
  const phases: { level: 'DEBUG' | 'WARN'; fetches: number; cpuS: number; bytes: number; seconds: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const level of ['DEBUG', 'WARN'] as const) {
      setAccessLogLevels(ext, [1], level);
      await sleep(1_000);
      const [f0, c0, b0, t0] = [fetches, brokerCpu(), logBytes(), Date.now()];
      await sleep(seconds * 1000);
      phases.push({ level, fetches: fetches - f0, cpuS: brokerCpu() - c0, bytes: logBytes() - b0, seconds: (Date.now() - t0) / 1000 });
    }
  }
  producing = false;
  await produced;
  await consumer.disconnect();
  await producer.disconnect();

  const sum = (level: string) => {
    const ps = phases.filter((p) => p.level === level);
    const total = (f: (p: (typeof ps)[number]) => number) => ps.reduce((n, p) => n + f(p), 0);
    return { fetches: total((p) => p.fetches), cpuS: total((p) => p.cpuS), bytes: total((p) => p.bytes), seconds: total((p) => p.seconds) };
  };
  const on = sum('DEBUG');
  const off = sum('WARN');
  const perFetchUs = (x: typeof on) => (x.cpuS / x.fetches) * 1e6;
  const bytesPerFetch = on.bytes / on.fetches;
  run.finish({
    tables: [`### One broker, one consumer fetching ~${(on.fetches / on.seconds).toFixed(0)}/s while ${rate} messages/s are produced\n\n${markdownTable(
      ['access loggers', 'seconds', 'fetches/s', 'broker CPU %', 'broker CPU µs per fetch', 'access-log bytes per fetch', 'access-log MB per hour'],
      [
        ['DEBUG (records on)', on.seconds, on.fetches / on.seconds, (on.cpuS / on.seconds) * 100, perFetchUs(on), bytesPerFetch, (on.bytes / on.seconds) * 3600 / 1e6],
        ['WARN (records off)', off.seconds, off.fetches / off.seconds, (off.cpuS / off.seconds) * 100, perFetchUs(off), off.bytes / off.fetches, (off.bytes / off.seconds) * 3600 / 1e6],
      ],
    )}\n\nBytes per fetch count both files (a fetch line ≈ 1 KB, its authorizer line ≈ 0.3 KB, plus the produce lines of the same period). CPU from /proc/<pid>/stat of the broker JVM; phases alternate ${rounds}× to spread the machine's other load.`],
    figures: { phases, on, off },
    ratios: { 'broker CPU per fetch, on / off': perFetchUs(on) / perFetchUs(off), 'access-log bytes per fetch': bytesPerFetch },
  });
} finally {
  await broker.stop();
}
