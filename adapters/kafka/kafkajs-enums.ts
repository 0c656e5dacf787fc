// kafkajs' enum objects, read off its CommonJS default export: Node's ESM loader does not see them as named exports
// (`import { ConfigResourceTypes } from 'kafkajs'` works under vitest but throws under `node`/tsx).
import kafkajs from 'kafkajs';

export const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ConfigResourceTypes, ResourcePatternTypes } = kafkajs;
