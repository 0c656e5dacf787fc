// Writes schema/report.schema.json (JSON Schema of the post-mortem's JSON format, from its zod schema); `--check` fails if it is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { reportJsonSchema } from '../src/model/incident-report.js';

const file = new URL('../schema/report.schema.json', import.meta.url);
const text = `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
if (process.argv.includes('--check')) {
  if (readFileSync(file, 'utf8') !== text) {
    console.error('schema/report.schema.json is stale: run `npx tsx scripts/report-schema.ts`');
    process.exit(1);
  }
} else {
  writeFileSync(file, text);
  console.log('wrote schema/report.schema.json');
}
