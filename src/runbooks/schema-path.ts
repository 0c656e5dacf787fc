// Whether a template path can resolve against a zod schema: how `${alert.subject.principal}` is checked at load time.
import type { z } from 'zod';

interface Def { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType; in?: z.ZodType; out?: z.ZodType; options?: z.ZodType[] }
const def = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The first segment that cannot exist under `schema`, or undefined when the whole path can resolve. */
export function missingSegment(schema: z.ZodType, path: readonly string[]): string | undefined {
  if (path.length === 0) return undefined;
  const d = def(schema);
  switch (d.type) {
    case 'optional': case 'nullable': case 'default': case 'prefault': case 'readonly': case 'nonoptional': case 'catch':
      return missingSegment(d.innerType!, path);
    case 'pipe':
      return missingSegment(d.out!, path);
    case 'any': case 'unknown': case 'record':
      return undefined;
    case 'object': {
      const [head, ...rest] = path as [string, ...string[]];
      const child = d.shape![head];
      return child ? missingSegment(child, rest) : head;
    }
    case 'array':
      return /^\d+$/.test(path[0]!) ? missingSegment(d.element!, path.slice(1)) : path[0];
    case 'union': {
      const misses = d.options!.map((o) => missingSegment(o, path));
      return misses.includes(undefined) ? undefined : misses[0];
    }
    default:
      return path[0];
  }
}
