// One request judged as Kafka's StandardAuthorizer judges it: super users, matching ACLs, DENY first, implied operations, the no-ACL default.
import type { AclBinding, AclOperation, AclResourceType } from './acl.js';
import { patternMatches } from './acl-pattern.js';

/** What a broker's authorizer consults for one principal. */
export interface AuthorizerView {
  /**
   * The bindings of the principal and of User:*; when allowEveryoneIfNoAclFound, every principal's, since any ACL
   * on a resource (whoever it names) ends its "no ACL found" default.
   */
  bindings: AclBinding[];
  superUsers: string[];
  allowEveryoneIfNoAclFound: boolean;
}

export interface AccessRequest {
  principal: string;
  /** The client's address as the broker sees it. */
  host: string;
  resourceType: AclResourceType;
  name: string;
  operation: Exclude<AclOperation, 'all'>;
}

/** The operations Kafka defines for each resource type (AclEntry.supportedOperations): what a client can be refused. */
export const OPERATIONS_OF: Record<AclResourceType, Exclude<AclOperation, 'all'>[]> = {
  topic: ['read', 'write', 'create', 'describe', 'delete', 'alter', 'describe-configs', 'alter-configs'],
  group: ['read', 'describe', 'delete'],
  cluster: ['create', 'cluster-action', 'describe-configs', 'alter-configs', 'idempotent-write', 'alter', 'describe'],
  'transactional-id': ['describe', 'write'],
};

/** The only name the cluster resource has. */
export const CLUSTER_NAME = 'kafka-cluster';

const IMPLIES_DESCRIBE: AclOperation[] = ['describe', 'read', 'write', 'delete', 'alter'];
const IMPLIES_DESCRIBE_CONFIGS: AclOperation[] = ['describe-configs', 'alter-configs'];

/** An ALLOW of `granted` permits `asked`: ALL, the same operation, or one that implies DESCRIBE / DESCRIBE_CONFIGS. */
function allowCovers(granted: AclOperation, asked: AclOperation): boolean {
  if (granted === 'all' || granted === asked) return true;
  if (asked === 'describe') return IMPLIES_DESCRIBE.includes(granted);
  return asked === 'describe-configs' && IMPLIES_DESCRIBE_CONFIGS.includes(granted);
}

/**
 * StandardAuthorizerData.authorize: a super user may; otherwise a DENY that applies (principal or User:*, host or
 * "*", ALL or exactly the operation: a DENY implies nothing) refuses; an ALLOW that applies permits; and a
 * resource no ACL matches at all, of anyone, falls back to allow.everyone.if.no.acl.found.
 */
export function authorize(view: AuthorizerView, req: AccessRequest): 'allowed' | 'denied' {
  if (view.superUsers.includes(req.principal)) return 'allowed';
  const onResource = view.bindings.filter((b) => patternMatches(b, req.resourceType, req.name));
  const applying = onResource.filter((b) => (b.principal === req.principal || b.principal === 'User:*') && (b.host === '*' || b.host === req.host));
  if (applying.some((b) => b.permission === 'deny' && (b.operation === 'all' || b.operation === req.operation))) return 'denied';
  if (applying.some((b) => b.permission === 'allow' && allowCovers(b.operation, req.operation))) return 'allowed';
  return onResource.length === 0 && view.allowEveryoneIfNoAclFound ? 'allowed' : 'denied';
}
