// Kafka's own AclCommand, as an independent check of what the cluster holds (the admin properties file stays 0600 in `dir`).
import type { AclBinding } from '../../src/model/acl.js';
import { eventually } from './engine.js';
import { kafkaTool } from './kafka-tools.js';

/** Kafka's own AclCommand: the bindings it lists for a principal, as "TYPE|name|PATTERN|principal|host|OP|PERM". */
export function aclCommandList(_dir: string, principal: string): string[] {
  const stdout = kafkaTool('kafka.admin.AclCommand', ['--list', '--principal', principal]);
  const out: string[] = [];
  let resource = '';
  for (const line of stdout.split('\n')) {
    const r = /ResourcePattern\(resourceType=(\w+), name=(.*), patternType=(\w+)\)/.exec(line);
    if (r) resource = `${r[1]}|${r[2]}|${r[3]}`;
    const a = /\(principal=(.+), host=(.+), operation=(\w+), permissionType=(\w+)\)/.exec(line);
    if (a) out.push(`${resource}|${a[1]}|${a[2]}|${a[3]}|${a[4]}`);
  }
  return out.sort();
}

const upper = (s: string) => s.toUpperCase().replace(/-/g, '_');
/** Our bindings in the same form. */
export const asAclCommand = (bs: AclBinding[]) => bs.map((b) =>
  [upper(b.resourceType), b.resourceName, upper(b.patternType), b.principal, b.host, upper(b.operation), upper(b.permission)].join('|')).sort();


/** Brokers learn ACL changes from the metadata log a moment after the controller: waits until AclCommand lists `expected`. */
export function aclCommandShows(dir: string, principal: string, expected: AclBinding[]): Promise<string[]> {
  const want = asAclCommand(expected);
  return eventually(async () => {
    const listed = aclCommandList(dir, principal);
    return JSON.stringify(listed) === JSON.stringify(want) ? listed : undefined;
  }, 30_000, `AclCommand to list ${want.length} binding(s) of ${principal}`);
}
