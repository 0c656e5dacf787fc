// `kafka-ir report <id> [--format md|html|json] [-o file]`: fetches the post-mortem from the engine; prints it or writes the file.
import { writeFile } from 'node:fs/promises';
import type { ClientConfig } from '../config.js';
import { KafkaIrError } from '../model/errors.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/render-report.js';

export async function reportCommand(config: ClientConfig, id: string, opts: { format?: string; output?: string }): Promise<number> {
  const format = (opts.format ?? 'md') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) {
    process.stderr.write(`kafka-ir: --format must be one of ${REPORT_FORMATS.join(', ')}\n`);
    return 2;
  }
  const headers: Record<string, string> = config.token ? { authorization: `Bearer ${config.token}` } : {};
  let res: Response;
  try {
    res = await fetch(new URL(`/v1/incidents/${encodeURIComponent(id)}/report?format=${format}`, config.publicUrl), { headers });
  } catch (err) {
    throw new KafkaIrError('ENGINE_UNREACHABLE', `cannot reach kafka-ir at ${config.publicUrl} (${String((err as Error).cause ?? (err as Error).message)})`,
      'start it with `kafka-ir start`, or point KAFKA_IR_PUBLIC_URL at it');
  }
  if (res.status === 401) throw new KafkaIrError('INVALID_CONFIG', 'kafka-ir refused the token', 'set KAFKA_IR_TOKEN to your personal API token');
  const body = await res.text();
  if (res.status === 404) { process.stderr.write(`kafka-ir: no incident ${id}\n`); return 1; }
  if (!res.ok) { process.stderr.write(`kafka-ir: the engine answered ${res.status}: ${body}\n`); return 1; }
  if (opts.output) {
    await writeFile(opts.output, body);
    process.stderr.write(`wrote ${opts.output}\n`);
  } else {
    process.stdout.write(body);
  }
  return 0;
}
