// Writes schema/runbook.schema.json (JSON Schema for editors, from the zod runbook schema); `--check` fails if it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { runbookJsonSchema } from '../src/runbooks/json-schema.js';

const file = new URL('../schema/runbook.schema.json', import.meta.url);
const text = `${JSON.stringify(runbookJsonSchema(), null, 2)}\n`;
if (process.argv.includes('--check')) {
  if (readFileSync(file, 'utf8') !== text) {
    console.error('schema/runbook.schema.json is stale: run `npm run schema`');
    process.exit(1);
  }
} else {
  writeFileSync(file, text);
  console.log('wrote schema/runbook.schema.json');
}
