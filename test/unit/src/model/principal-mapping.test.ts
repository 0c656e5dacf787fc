// ssl.principal.mapping.rules read and applied as Kafka's SslPrincipalMapper does (expected names checked against Kafka 3.9.1's own class).
import { describe, expect, it } from 'vitest';
import { mapPrincipal, parseMappingRules } from '../../../../src/model/principal-mapping.js';

describe('mapPrincipal', () => {
  it('applies the first rule whose pattern matches the whole subject, with L/U case folding', () => {
    const rules = 'RULE:^CN=(.*?),OU=(.*?),O=(.*?),L=(.*?),ST=(.*?),C=(.*?)$/$1@$2/L, RULE:^.*[Cc][Nn]=([a-zA-Z0-9.]*).*$/$1/U';
    expect(mapPrincipal('CN=Kafka-Server,OU=ServiceUsers,O=Org,L=City,ST=State,C=US', rules)).toBe('kafka-server@serviceusers');
    expect(mapPrincipal('OU=x,CN=abc.d,O=q', rules)).toBe('ABC.D');
    expect(mapPrincipal('nothing', rules)).toBeUndefined();
  });

  it('falls through to DEFAULT (the subject as it is), and treats unset rules as DEFAULT', () => {
    const rules = 'RULE:^CN=([^,]+),OU=kafka-ir-dev(,.*)?$/$1/,DEFAULT';
    expect(mapPrincipal('CN=kafka-ir-engine,OU=kafka-ir-dev,O=kafka-ir', rules)).toBe('kafka-ir-engine');
    expect(mapPrincipal('CN=x,OU=other', rules)).toBe('CN=x,OU=other');
    expect(mapPrincipal('CN=x,OU=other', undefined)).toBe('CN=x,OU=other');
  });

  it('reads an escaped slash inside a pattern', () => {
    expect(mapPrincipal('CN=a/x', String.raw`RULE:^CN=([^,]*)\/x$/$1/`)).toBe('a');
  });
});

describe('parseMappingRules', () => {
  it('refuses a malformed rule, naming it', () => {
    expect(() => parseMappingRules('RULE:^CN=(.*)$/$1/L, NONSENSE')).toThrow('invalid rule `NONSENSE`');
    expect(() => parseMappingRules('RULE:^CN=(.*$/$1/')).toThrow(/invalid pattern in rule `RULE:\^CN=\(\.\*\$\/\$1\/`/);
    expect(parseMappingRules('DEFAULT')).toEqual([{ kind: 'default' }]);
  });
});
