// An evidence capture (kafka.evidence.capture): messages of topics in a time range, with metadata, into the evidence store — hashed and logged.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActionInput } from '../../src/model/actions.js';
import type { EvidenceCapture, EvidenceFile } from '../../src/model/actions/forensics.js';
import { byteSize } from '../../src/model/byte-size.js';
import { KafkaIrError } from '../../src/model/errors.js';
import { appendCustody, CUSTODY_LOG } from '../evidence/custody-log.js';
import { MANIFEST, writeManifest } from '../evidence/manifest.js';
import { mergeParts } from '../evidence/merge-parts.js';
import { sha256File } from '../evidence/sha256.js';
import type { KafkaClient } from './client.js';
import { exactRanges, groupOffsets, offsetRanges, topicRecords } from './evidence-metadata.js';
import { readPartitions, type ReadProgress } from './read-partitions.js';

export interface CaptureRequest { incidentId: string; step: string; input: ActionInput<'kafka.evidence.capture'> }
export interface CaptureDeps { kafka: KafkaClient; evidenceDir: string }

const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

function captureDir(evidenceDir: string, incidentId: string, step: string): string {
  for (const [what, name] of [['incident id', incidentId], ['step', step]] as const) {
    if (!SAFE_NAME.test(name) || name === '.' || name === '..') {
      throw new KafkaIrError('KAFKA_REJECTED', `the ${what} "${name}" cannot name an evidence directory`, 'use letters, digits, ".", "_" and "-"');
    }
  }
  return join(evidenceDir, incidentId, step);
}

/** A retry starts from a clean directory but keeps the custody log: custody is appended to, never rewritten. */
async function clearExceptCustody(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 }); // evidence holds payloads: owner only
  for (const name of await readdir(dir)) {
    if (name !== CUSTODY_LOG) await rm(join(dir, name), { recursive: true, force: true });
  }
}

export async function captureEvidence(
  deps: CaptureDeps, req: CaptureRequest, onProgress: (p: ReadProgress) => void = () => {}, signal?: AbortSignal,
): Promise<EvidenceCapture> {
  const { input } = req;
  const dir = captureDir(deps.evidenceDir, req.incidentId, req.step);
  const limits = {
    maxBytes: input.maxBytes === undefined ? undefined : byteSize(input.maxBytes),
    maxMessages: input.maxMessages,
  };
  const topicNames = [...new Set([...input.topics, ...input.ranges.map((r) => r.topic)])];
  await clearExceptCustody(dir);

  const topics = await topicRecords(deps.kafka, topicNames);
  // Topics with exact ranges (what the brokers delivered) are captured by offset; the others by time.
  const byOffset = new Set(input.ranges.map((r) => r.topic));
  const ranges = [
    ...await exactRanges(deps.kafka, input.ranges),
    ...await offsetRanges(deps.kafka, topics.filter((t) => !byOffset.has(t.name)), new Date(input.from), input.to ? new Date(input.to) : undefined),
  ].sort((a, b) => topicNames.indexOf(a.topic) - topicNames.indexOf(b.topic) || a.partition - b.partition);
  const groups = await groupOffsets(deps.kafka, topicNames);

  const partsDir = join(dir, '.parts');
  await mkdir(partsDir);
  const reads = await readPartitions(deps.kafka, ranges, partsDir, input.mask, limits, onProgress, signal);
  const fileOf = (topic: string) => `${topic}.ndjson`;
  const merged = await mergeParts(reads, (t) => join(dir, fileOf(t)), limits);
  await rm(partsDir, { recursive: true, force: true });
  const truncated = merged.some((m) => m.truncated) || reads.some((r) => r.limited || !r.complete);

  const metadata = {
    incidentId: req.incidentId, step: req.step,
    request: { topics: topicNames, ranges: input.ranges, from: input.from, to: input.to ?? null, ...limits, mask: input.mask },
    topics,
    ranges: ranges.map((r) => ({ ...r, captured: reads.find((x) => x.topic === r.topic && x.partition === r.partition)?.messages ?? 0 })),
    groups,
    truncated,
  };
  await writeFile(join(dir, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);

  const files: EvidenceFile[] = [
    { path: 'metadata.json', ...(await sha256File(join(dir, 'metadata.json'))), messages: 0 },
    ...merged.map((m) => ({ path: fileOf(m.topic), sha256: m.sha256, bytes: m.bytes, messages: m.messages })),
  ];
  const manifestSha256 = await writeManifest(dir, { version: 1, incidentId: req.incidentId, step: req.step, files });
  const actor = `kafka-ir${deps.kafka.principal ? ` as ${deps.kafka.principal}` : ''}`;
  const custodyHead = await appendCustody(dir, [
    ...files.map((f) => ({ actor, action: 'captured', file: f.path, sha256: f.sha256 })),
    { actor, action: 'sealed', file: MANIFEST, sha256: manifestSha256 },
  ]);
  const messages = merged.reduce((n, m) => n + m.messages, 0);
  return { dir, files, manifestSha256, custodyHead, truncated, messages };
}
