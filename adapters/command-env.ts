// The environment the site's own commands (secret sink, fence) run with: a few plain variables, never the engine's secrets.
/** Passed from the engine's environment when set: what a shell script needs to find programs and files. */
const BASE = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

/**
 * The engine's environment holds the Kafka admin password, the Slack token, the payload key and more: a command gets
 * only BASE, the variables the settings name (`commandEnv`, e.g. VAULT_ADDR), and what kafka-ir sets for it.
 */
export function commandEnv(passed: readonly string[], own: Record<string, string> = {}, from: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of [...BASE, ...passed]) if (from[name] !== undefined) env[name] = from[name];
  return { ...env, ...own };
}
