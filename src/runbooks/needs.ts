// The start-up check of runbooks against the engine's settings (also `runbooks validate --settings`): what is set, what each runbook lacks.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Settings } from '../model/settings.js';
import { unmetNeeds, type Facilities, type UnmetNeed } from '../model/runbook-needs.js';
import type { Runbook } from '../model/runbook.js';

/** Why the engine could not write evidence under `dir` (it, or the nearest folder that exists, is not a writable folder). */
export function evidenceDirProblem(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    let isDir: boolean;
    try {
      isDir = statSync(at).isDirectory();
    } catch {
      if (dirname(at) === at) return 'cannot be created';
      continue;
    }
    if (!isDir) return `cannot be created: ${at} is not a folder`;
    try {
      accessSync(at, constants.W_OK | constants.X_OK);
      return undefined;
    } catch {
      return at === dir ? 'is not writable' : `cannot be created: ${at} is not writable`;
    }
  }
}

export interface EngineFacilities { settings: Settings; hec: boolean; email: boolean; slack: boolean; evidenceDir: string }

export function facilitiesOf(e: EngineFacilities): Facilities {
  const problem = evidenceDirProblem(e.evidenceDir);
  return {
    secretSink: e.settings.secretSink !== undefined,
    hec: e.hec,
    email: e.email,
    slack: e.slack,
    accessLog: e.settings.accessLog !== undefined,
    baseline: e.settings.baseline !== undefined,
    authorizerDeclared: e.settings.authorizer.allowEveryoneIfNoAclFound !== undefined,
    evidence: { dir: e.evidenceDir, ...(problem ? { problem } : {}) },
  };
}

export function runbookSetNeeds(runbooks: readonly Runbook[], facilities: Facilities): UnmetNeed[] {
  return runbooks.flatMap((r) => unmetNeeds(r, facilities));
}
