// The Temporal CLI (its dev server included): ~/.cache/kafka-ir/bin/temporal, else PATH, else `go install`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../infra-error.js';
import { infraPaths } from '../paths.js';
import { findOnPath, requireTool } from '../prerequisites.js';
import { progress } from '../progress.js';

/** The newest tag whose go.mod has no `replace` directive, so the newest `go install` can build. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export function findTemporalBinary(): string | undefined {
  const cached = join(infraPaths().binDir, 'temporal');
  return existsSync(cached) ? cached : findOnPath('temporal');
}

export function ensureTemporalBinary(): string {
  const found = findTemporalBinary();
  if (found) return found;
  const go = requireTool('go', 'to build the Temporal CLI (dev server)');
  const { binDir } = infraPaths();
  mkdirSync(binDir, { recursive: true });
  progress(`building ${TEMPORAL_CLI_MODULE} with go install (the first build takes several minutes)…`);
  const result = spawnSync(go, ['install', TEMPORAL_CLI_MODULE], {
    env: { ...process.env, GOBIN: binDir, CGO_ENABLED: '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const built = join(binDir, 'temporal');
  if (result.status !== 0 || !existsSync(built)) {
    throw new InfraError(`go install ${TEMPORAL_CLI_MODULE} failed (exit ${result.status}); see the output above`);
  }
  return built;
}
