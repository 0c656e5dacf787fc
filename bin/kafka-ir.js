#!/usr/bin/env node
// The `kafka-ir` command: the compiled CLI in dist/, which the package ships and `npm run build` makes in a checkout.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('kafka-ir is not built here: run `npm run build` (or, from a checkout, `node scripts/kafka-ir-from-sources.js`, which runs the TypeScript sources)\n');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv);
