// The committed JSON Schema for editors matches the zod runbook schema, and it offers every action for completion.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runbookJsonSchema } from '../../../../src/runbooks/json-schema.js';

describe('schema/runbook.schema.json', () => {
  it('is up to date (regenerate with `npm run schema`)', () => {
    expect(JSON.parse(readFileSync('schema/runbook.schema.json', 'utf8'))).toEqual(runbookJsonSchema());
  });

  it('lists every action for completion', () => {
    const text = readFileSync('schema/runbook.schema.json', 'utf8');
    for (const action of ['kafka.acl.deny', 'kafka.evidence.capture', 'kafka.broker.isolate']) expect(text).toContain(`"${action}"`);
  });
});
