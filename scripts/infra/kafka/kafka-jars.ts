// Resolves the broker jars from Maven Central through pom.xml into ~/.cache/kafka-ir/kafka-<version>/lib.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../infra-error.js';
import { infraPaths, kafkaHome } from '../paths.js';
import { requireTool } from '../prerequisites.js';
import { progress } from '../progress.js';
import { toolsLog4j2Properties, toolsLog4jProperties } from './log4j-properties.js';

const MARKER = '.complete';

/** Changes whenever the pom or the version does, so an edited pom re-resolves the jars. */
function fingerprint(pomFile: string, version: string): string {
  return createHash('sha256').update(readFileSync(pomFile)).update(`\0${version}`).digest('hex');
}

/**
 * Moves the resolved jars into lib/ one rename at a time, never replacing the directory: running
 * brokers open classpath jars lazily, and a rename keeps the inode they may already hold.
 */
function installJars(staging: string, lib: string): void {
  mkdirSync(lib, { recursive: true });
  const wanted = new Set(readdirSync(staging));
  for (const name of readdirSync(lib)) {
    if (!wanted.has(name)) rmSync(join(lib, name), { force: true });
  }
  for (const name of wanted) {
    const target = join(lib, name);
    if (existsSync(target) && statSync(target).size === statSync(join(staging, name)).size) continue;
    renameSync(join(staging, name), target);
  }
  rmSync(staging, { recursive: true, force: true });
}

/** Returns KAFKA_HOME: its lib/ holds every runtime jar, its config/ quiet log configs for the CLI tools. */
export function ensureKafkaJars(version: string): string {
  const { pomFile } = infraPaths();
  const home = kafkaHome(version);
  const lib = join(home, 'lib');
  const expected = fingerprint(pomFile, version);
  const markerFile = join(lib, MARKER);
  if (existsSync(markerFile) && readFileSync(markerFile, 'utf8').trim() === expected) return home;

  const mvn = requireTool('mvn', 'to fetch the Kafka broker jars from Maven Central');
  requireTool('java', 'to run Kafka');
  progress(`fetching Kafka ${version} jars from Maven Central…`);
  const staging = join(home, `lib.partial-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const result = spawnSync(
    mvn,
    [
      '-q',
      '-B',
      '-f',
      pomFile,
      'dependency:copy-dependencies',
      // Kafka 4 logs through log4j2, 3.x through reload4j (log4j 1): see the profiles in pom.xml.
      Number.parseInt(version, 10) >= 4 ? '-Pkafka4' : '-Pkafka3',
      '-DincludeScope=runtime',
      `-Dkafka.version=${version}`,
      `-DoutputDirectory=${staging}`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.status !== 0 || !readdirSync(staging).some((f) => f.startsWith(`kafka_2.13-${version}`))) {
    rmSync(staging, { recursive: true, force: true });
    throw new InfraError(
      `mvn could not resolve Kafka ${version} (is the version on Maven Central?):\n${result.stdout}${result.stderr}`.trimEnd(),
    );
  }
  installJars(staging, lib);
  writeFileSync(markerFile, `${expected}\n`);
  mkdirSync(join(home, 'config'), { recursive: true });
  writeFileSync(join(home, 'config', 'tools-log4j.properties'), toolsLog4jProperties());
  writeFileSync(join(home, 'config', 'tools-log4j2.properties'), toolsLog4j2Properties());
  progress(`Kafka ${version}: ${readdirSync(lib).length - 1} jars in ${lib}`);
  return home;
}
