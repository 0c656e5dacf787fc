// The public incident id and its parts: plain functions, shared by the edges and the workflow sandbox (no zod).

/**
 * The public incident id: `<workflow id>-<8 hex of the first run id>` (docs/design.md §4). Run ids are UUIDv7, whose leading
 * digits are a timestamp shared by runs started within about a minute, so the 8 digits are the id's random tail.
 */
export function incidentId(workflowId: string, firstRunId: string): string {
  return `${workflowId}-${runTag(firstRunId)}`;
}

/** The 8 hex digits of a run id that name its incident. */
export function runTag(runId: string): string {
  return runId.replace(/-/g, '').slice(-8);
}

export function parseIncidentId(id: string): { workflowId: string; runTag: string } | undefined {
  const m = /^(ir-[a-z0-9-]+(?:\.[a-z0-9-]+)?-[0-9a-f]{16}(?:-dry|-drill)?)-([0-9a-f]{8})$/.exec(id);
  return m ? { workflowId: m[1]!, runTag: m[2]! } : undefined;
}
