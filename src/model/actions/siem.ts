// SIEM actions: an evidence capture's messages sent to Splunk's HTTP Event Collector (reference in, counts out).
import { z } from 'zod';
import { action } from './define.js';

/** An evidence line HEC refused (HEC names it by its place in a batch; this names it by file and line). */
export const RejectedEvent = z.strictObject({
  /** Relative to the evidence directory. */
  file: z.string(),
  /** 1-based line of the NDJSON file. */
  line: z.number().int().positive(),
  reason: z.string(),
});
export type RejectedEvent = z.infer<typeof RejectedEvent>;

export const SiemExport = z.strictObject({
  /** Events HEC accepted. */
  events: z.number().int().nonnegative(),
  /** Requests HEC accepted (each one batch of concatenated events). */
  batches: z.number().int().nonnegative(),
  rejected: z.array(RejectedEvent),
});
export type SiemExport = z.infer<typeof SiemExport>;

const HecOverrides = {
  /** Instead of SPLUNK_HEC_INDEX; the token must be allowed to write to it. */
  index: z.string().min(1).optional(),
  sourcetype: z.string().min(1).optional(),
};

export const siemActions = {
  'siem.export': action({
    kind: 'read',
    summary: 'Sends an evidence capture\'s messages to Splunk HEC (SPLUNK_HEC_URL, SPLUNK_HEC_TOKEN): batched, retried while Splunk is busy, a rejected event reported and skipped.',
    // `evidence` reads naturally in a runbook: `evidence: "${steps.evidence.output.dir}"`.
    input: z.union([
      z.strictObject({ dir: z.string().min(1), ...HecOverrides }),
      z.strictObject({ evidence: z.string().min(1), ...HecOverrides }),
    ]),
    output: SiemExport,
  }),
};
