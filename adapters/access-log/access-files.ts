// Finds the configured access-log files (globs, "{broker}" in the path) and the broker each belongs to.
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';
import type { AccessLogFiles } from '../../src/model/access-log-settings.js';

export interface BrokerFile { broker: number; path: string; size: number; mtimeMs: number }

const BROKER = '{broker}';

/** One path segment as a regex: "*" and "?" within the name, "{broker}" captured. */
function segmentRegex(segment: string): RegExp | undefined {
  if (!/[*?]/.test(segment) && !segment.includes(BROKER)) return undefined;
  const source = segment.split(BROKER).map((part) => part.replace(/[.+^$()|[\]\\{}]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')).join('([^/]+?)');
  return new RegExp(`^${source}$`);
}

/** Files matching `pattern`, each with the text "{broker}" matched (if the pattern has it). */
export async function globFiles(pattern: string): Promise<{ path: string; broker?: string }[]> {
  const absolute = isAbsolute(pattern) ? pattern : resolve(pattern);
  const segments = absolute.split(sep).filter(Boolean);
  let current: { path: string; broker?: string }[] = [{ path: sep }];
  for (const segment of segments) {
    const regex = segmentRegex(segment);
    const next: { path: string; broker?: string }[] = [];
    for (const dir of current) {
      if (!regex) { next.push({ ...dir, path: join(dir.path, segment) }); continue; }
      const names = await readdir(dir.path).catch(() => [] as string[]);
      for (const name of names.sort()) {
        const m = regex.exec(name);
        if (m) next.push({ path: join(dir.path, name), broker: m[1] ?? dir.broker });
      }
    }
    current = next;
  }
  const files = await Promise.all(current.map(async (f) => ((await stat(f.path).catch(() => undefined))?.isFile() ? f : undefined)));
  return files.filter((f) => f !== undefined);
}

/**
 * Every file of every entry, with its broker id; a broker named by something other than its id is looked up in
 * `names`. Problems (an unknown broker name, a pattern that matches nothing) are reported, not thrown.
 */
export async function accessFiles(entries: AccessLogFiles[], names: Record<string, number>): Promise<{ files: BrokerFile[]; problems: string[] }> {
  const problems: string[] = [];
  const resolveBroker = (name: string | number, where: string): number | undefined => {
    if (typeof name === 'number') return name;
    if (/^\d+$/.test(name)) return Number(name);
    const id = names[name];
    if (id === undefined) problems.push(`${where}: broker "${name}" is neither a node id nor in accessLog.brokers`);
    return id;
  };
  const found = new Map<string, BrokerFile>();
  for (const entry of entries) {
    const patterns = typeof entry === 'string' ? [entry] : entry.paths;
    for (const pattern of patterns) {
      const matches = await globFiles(pattern);
      if (!matches.length) problems.push(`${pattern}: no file matches`);
      for (const m of matches) {
        const broker = resolveBroker(typeof entry === 'string' ? m.broker ?? '' : entry.broker, m.path);
        const st = await stat(m.path).catch(() => undefined);
        if (broker !== undefined && st) found.set(m.path, { broker, path: m.path, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
  }
  return { files: [...found.values()], problems: [...new Set(problems)] };
}
