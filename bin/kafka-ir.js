#!/usr/bin/env node
// The `kafka-ir` command: the compiled CLI in dist/, which the package ships and `npm run build` makes in a checkout.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('kafka-ir is not built here: run `npm run build` (or, from a checkout, `node scripts/kafka-ir-from-sources.js`, which runs the TypeScript sources)\n');
  process.exit(1);
}

// The engine runs for weeks with incidents waiting: it starts over (same process id, process.execve) with a small V8
// young generation in each thread and at most two malloc arenas, which take ~70 MiB off its idle memory and keep it
// from growing with the threads' allocation bursts. Settings given already (NODE_OPTIONS, flags, environment) stand.
const flag = '--max-semi-space-size';
const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => a.startsWith(flag));
if (process.argv[2] === 'start' && typeof process.execve === 'function' && !(given && process.env.MALLOC_ARENA_MAX !== undefined)) {
  const args = [process.execPath, ...(given ? [] : [`${flag}=1`]), ...process.execArgv, ...process.argv.slice(1)];
  process.execve(process.execPath, args, { MALLOC_ARENA_MAX: '2', ...process.env });
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv);
