// A kafka.authorizer.logger message ("Principal = … is Allowed operation = READ from host = … on resource = …") → a record.
import type { AuthorizationRecord } from '../../src/model/access-records.js';

// StandardAuthorizer (KRaft) writes "operation", the older AclAuthorizer "Operation"; both end the resource at " for request = ".
const MESSAGE = /^Principal = (.+?) is (Allowed|Denied) [Oo]peration = (\S+) from host = (\S+) on resource = ([^:]+):([^:]+):(.*?) for request = (\S+)/;

export function authorizerRecord(message: string, origin: Pick<AuthorizationRecord, 'at' | 'broker' | 'source'>): AuthorizationRecord | undefined {
  const m = MESSAGE.exec(message);
  if (!m) return undefined;
  const [, principal, verdict, operation, host, resourceType, patternType, resourceName, request] = m as unknown as string[];
  return {
    kind: 'authorization', ...origin, principal: principal!, allowed: verdict === 'Allowed', operation: operation!, host: host!,
    resource: `${resourceType}:${patternType}:${resourceName}`, resourceType: resourceType!, resourceName: resourceName!, request: request!,
  };
}
