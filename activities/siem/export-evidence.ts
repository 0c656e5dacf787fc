// siem.export: an evidence capture (verified against its manifest and custody log first) to Splunk HEC.
import { hostname } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { HecSettings } from '../../src/model/connections.js';
import type { ActionInput } from '../../src/model/actions.js';
import type { SiemExport } from '../../src/model/actions/siem.js';
import { KafkaIrError } from '../../src/model/errors.js';
import { readManifest } from '../../adapters/evidence/manifest.js';
import { verifyEvidence } from '../../adapters/evidence/verify-evidence.js';
import { exportFiles, type ExportPosition } from '../../adapters/siem/export-files.js';
import type { BatchLimits } from '../../adapters/siem/hec-batches.js';
import { DEFAULT_SOURCETYPE } from '../../adapters/siem/hec-event.js';
import type { RetryPolicy } from '../../adapters/siem/hec-sender.js';

export interface SiemDeps {
  /** Unset when SPLUNK_HEC_URL is: the action then fails with a hint instead of the engine refusing to start. */
  hec?: HecSettings;
  evidenceDir: string;
  limits?: BatchLimits;
  retry?: RetryPolicy;
}

export interface ExportRun { heartbeat: (p: ExportPosition) => void; signal?: AbortSignal; resume?: ExportPosition }

/** Only directories inside the evidence store: a runbook must not be able to ship any folder of the host to the SIEM. */
function evidencePath(evidenceDir: string, dir: string): string {
  const path = resolve(evidenceDir, dir);
  const rel = relative(resolve(evidenceDir), path);
  if (rel === '' || rel.startsWith('..') || rel.startsWith('/')) {
    throw new KafkaIrError('EVIDENCE_UNUSABLE', `${dir} is not inside the evidence store ${evidenceDir}`,
      'pass the dir a kafka.evidence.capture step returned: evidence: "${steps.<capture step>.output.dir}"');
  }
  return path;
}

export async function exportEvidence(deps: SiemDeps, input: ActionInput<'siem.export'>, run: ExportRun): Promise<SiemExport> {
  if (!deps.hec) {
    throw new KafkaIrError('SIEM_REJECTED', 'siem.export has nowhere to send: SPLUNK_HEC_URL is not set',
      'set SPLUNK_HEC_URL and SPLUNK_HEC_TOKEN for the engine (and SPLUNK_HEC_INDEX if the token has no default index)');
  }
  const dir = evidencePath(deps.evidenceDir, 'dir' in input ? input.dir : input.evidence);
  const check = await verifyEvidence(dir);
  if (!check.ok) {
    const first = check.problems.slice(0, 3).map((p) => `${p.file}: ${p.problem}`).join('; ');
    throw new KafkaIrError('EVIDENCE_UNUSABLE', `evidence in ${dir} does not verify (${first})`,
      `run kafka-ir evidence verify ${dir}; tampered or incomplete evidence is not sent to the SIEM`);
  }
  const { manifest } = await readManifest(dir);
  const files = manifest.files.filter((f) => f.path.endsWith('.ndjson')).map((f) => ({ name: f.path, path: join(dir, f.path) }));
  const hec = { ...deps.hec, index: input.index ?? deps.hec.index };
  return exportFiles(files, {
    sender: { settings: hec, retry: deps.retry, signal: run.signal },
    meta: { host: hostname(), sourcetype: input.sourcetype ?? hec.sourcetype ?? DEFAULT_SOURCETYPE, index: hec.index },
    limits: deps.limits,
    resume: run.resume,
    onProgress: run.heartbeat,
  });
}
