// The detection loop: learns a baseline from the access records, then reads the new ones every `every` and raises what the rules find.
import type { AccessRecordSource } from '../../adapters/access-log/access-source.js';
import type { AccessRecord } from '../model/access-records.js';
import { AccessDetector, type Detection, type DetectorContext } from '../model/access-detections.js';
import type { Alert } from '../model/alert.js';
import type { DetectionSettings } from '../model/detection-settings.js';
import { durationMs } from '../model/duration.js';
import type { Logger } from '../logger.js';

export interface DetectionDeps {
  source: AccessRecordSource;
  settings: DetectionSettings;
  context: Omit<DetectorContext, 'scramUsers' | 'topicNames'>;
  /** Read once at start: the SCRAM users that exist. */
  scramUsers(): Promise<Iterable<string>>;
  /** Topic ids → names from metadata; read at start and when a record names an unknown id. */
  topicNames(): Promise<ReadonlyMap<string, string>>;
  /** Into the engine's own intake: routed, deduplicated by fingerprint, counted like any alert. */
  raise(alert: Alert): Promise<unknown>;
  log: Logger;
}

export interface RunningDetections {
  /** Settles after the pass in progress; no pass starts after it. */
  stop(): Promise<void>;
  /** Settles when the next pass ends, with what it found (call twice to be sure a pass began after now). */
  nextPass(): Promise<{ detections: Detection[] }>;
}

/** Lines are written when a request completes: a pass reads up to this long ago, so no line arrives behind it. */
const WRITE_LAG_MS = 1_000;

export async function startDetections(deps: DetectionDeps): Promise<RunningDetections> {
  const { source, settings, log } = deps;
  const [users, names] = await Promise.all([deps.scramUsers(), deps.topicNames()]);
  const detector = new AccessDetector(settings, { ...deps.context, scramUsers: users, topicNames: names });
  const reported = new Set<string>();
  const scan = async (window: { from: number; to: number }, each: (r: AccessRecord) => void) => {
    const result = await source.scan({ window, filter: {}, onRecord: each });
    // Once each: a pattern that matches nothing says so on every pass.
    for (const problem of result.problems.filter((p) => !reported.has(p))) {
      reported.add(problem);
      log.warn({ problem }, 'access records: a source could not be read');
    }
  };

  const started = Date.now() - WRITE_LAG_MS;
  await scan({ from: started - durationMs(settings.baselineWindow), to: started }, (r) => detector.learn(r));
  log.info({ baselineWindow: settings.baselineWindow, every: settings.every }, 'detections: baseline learned from the access records');

  let readUpTo = started;
  let stopped = false;
  let waiting: ((r: { detections: Detection[] }) => void)[] = [];
  const pass = async (): Promise<Detection[]> => {
    const to = Date.now() - WRITE_LAG_MS;
    const records: AccessRecord[] = [];
    await scan({ from: readUpTo + 1, to }, (r) => records.push(r));
    readUpTo = to;
    if (records.some((r) => detector.unresolved(r).length > 0)) detector.addTopicNames(await deps.topicNames());
    const found = records.flatMap((r) => detector.inspect(r));
    detector.prune(to);
    for (const { rule, alert } of found) {
      try {
        const outcome = await deps.raise(alert);
        log.info({ rule, principal: alert.subject.principal, fingerprint: alert.fingerprint, outcome }, 'detections: alert raised');
      } catch (err) {
        log.error({ err, rule, fingerprint: alert.fingerprint }, 'detections: the intake did not take the alert');
      }
    }
    return found;
  };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const loop = () => {
    if (stopped) return;
    running = pass()
      .then((detections) => { const w = waiting; waiting = []; for (const resolve of w) resolve({ detections }); })
      .catch((err: unknown) => log.error({ err }, 'detections: a pass failed; the next one reads its records again'))
      .finally(() => { if (!stopped) timer = setTimeout(loop, durationMs(settings.every)); });
  };
  timer = setTimeout(loop, durationMs(settings.every));
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    nextPass: () => new Promise((resolve) => { waiting.push(resolve); }),
  };
}
