// Validation problems as every API answer and dead letter reports them: one dotted path and message per zod issue.
import type { z } from 'zod';

export interface Issue { path: string; message: string }

export const issuesOf = (error: z.ZodError): Issue[] =>
  error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
