// `npm run build`: dist/ from scratch — tsc's JavaScript, the CommonJS files Temporal require()s by path, and the
// workflow bundles, so `kafka-ir start` from the package never runs webpack (bench/results/cli-startup-*).
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as ConverterModule from '../src/temporal/data-converter.js';
import type * as WorkerModule from '../src/temporal/worker.js';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));
rmSync('dist', { recursive: true, force: true });

const tsc = spawnSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const { include } = JSON.parse(readFileSync('tsconfig.build.json', 'utf8')) as { include: string[] };
for (const dir of include) {
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) if (file.endsWith('.cjs')) cpSync(`${dir}/${file}`, `dist/${dir}/${file}`);
}

// The compiled worker bundles its compiled workflows and names the files it will look for at start.
const worker = (await import(pathToFileURL('dist/src/temporal/worker.js').href)) as typeof WorkerModule;
const { failureConverterPath } = (await import(pathToFileURL('dist/src/temporal/data-converter.js').href)) as typeof ConverterModule;
for (const converter of [undefined, failureConverterPath]) {
  const { code } = await worker.bundleWorkflows(converter);
  writeFileSync(worker.prebuiltBundlePath(converter), code);
}
console.log('built dist/');
