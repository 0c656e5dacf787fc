// The alert storm's client, in a process of its own (so its CPU is not the engine's): posts the alerts of one shape with
// C in flight, honours 429 + Retry-After, and prints one JSON line: latencies by outcome, HTTP statuses, ids by subject.
// Run by bench/alert-storm.ts: `node --import tsx bench/storm-client.ts '<json spec>'`.
export interface StormSpec {
  url: string;
  alerts: number;
  concurrency: number;
  /** Subjects the alerts rotate over (principal `User:<prefix>-<i>`). */
  subjects: number;
  prefix: string;
  /** Distinct fingerprints (alert n carries `<prefix>-fp-<n % fingerprints>`); unset: each alert its own. */
  fingerprints?: number;
}

export interface StormResult {
  seconds: number;
  /** Latency (ms) of each answered 202, by the status it reported: started, attached, duplicate. */
  ms: Record<string, number[]>;
  /** Final statuses; a 429 is counted in `retried` and the alert sent again after Retry-After. */
  http: Record<string, number>;
  retried: number;
  /** The incident id each subject's answers named (more than one: a subject split in two). */
  ids: Record<string, string[]>;
  /** Seconds from the storm's start to the last answer that opened an incident. */
  lastOpenedAt: number;
  /** CPU seconds the client's process used for the storm. */
  cpuS: number;
}

export async function storm(spec: StormSpec): Promise<StormResult> {
  const result: StormResult = { seconds: 0, ms: {}, http: {}, retried: 0, ids: {}, lastOpenedAt: 0, cpuS: 0 };
  const cpu = process.cpuUsage();
  const ids = new Map<string, Set<string>>();
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: spec.concurrency }, async () => {
    while (next < spec.alerts) {
      const n = next++;
      const principal = `User:${spec.prefix}-${n % spec.subjects}`;
      const fingerprint = `${spec.prefix}-fp-${spec.fingerprints ? n % spec.fingerprints : n}`;
      const body = JSON.stringify({ kind: 'test.hold', severity: 'high', summary: `storm ${n}`, source: 'bench', observedAt: new Date().toISOString(), subject: { principal }, fingerprint });
      for (;;) {
        const t = performance.now();
        const res = await fetch(`${spec.url}/v1/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const answer = (await res.json()) as { incidents?: { id: string; status: string }[] };
        if (res.status === 429) {
          result.retried++;
          await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
          continue;
        }
        const ms = performance.now() - t;
        result.http[res.status] = (result.http[res.status] ?? 0) + 1;
        const incident = answer.incidents?.[0];
        if (res.status === 202 && incident) {
          (result.ms[incident.status] ??= []).push(ms);
          ids.set(principal, (ids.get(principal) ?? new Set()).add(incident.id));
          if (incident.status === 'started') result.lastOpenedAt = (performance.now() - t0) / 1000;
        }
        break;
      }
    }
  }));
  result.seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  result.cpuS = (used.user + used.system) / 1e6;
  for (const [subject, set] of ids) result.ids[subject] = [...set];
  return result;
}

if (process.argv[2]) {
  const result = await storm(JSON.parse(process.argv[2]) as StormSpec);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
