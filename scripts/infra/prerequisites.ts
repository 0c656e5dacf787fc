// Finds the external tools infra needs (java, mvn, go) and names the Debian package when one is missing.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { InfraError } from './infra-error.js';

const debianPackage = {
  java: 'default-jdk-headless',
  mvn: 'maven',
  go: 'golang',
} as const;

export type Tool = keyof typeof debianPackage;

export function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export function requireTool(tool: Tool, purpose: string): string {
  const found = findOnPath(tool);
  if (found) return found;
  throw new InfraError(
    `\`${tool}\` is not on PATH; it is needed ${purpose}. ` +
      `Install it with: apt-get install -y ${debianPackage[tool]}`,
  );
}
