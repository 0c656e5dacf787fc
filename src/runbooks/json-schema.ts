// The runbook JSON Schema for editors (YAML language servers), derived from the zod schema: one source of truth.
import { z } from 'zod';
import { Runbook } from '../model/runbook.js';

export function runbookJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(Runbook, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://kafka-ir.dev/schema/runbook.schema.json',
    title: 'kafka-ir runbook',
  };
}
