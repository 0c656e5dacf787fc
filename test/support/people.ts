// The test roster's people and their personal API tokens (test/fixtures/runbooks/_roster.yaml holds only the hashes).
export type Person = 'alice' | 'bob' | 'carol' | 'dave';
export const token = (person: Person) => `test-token-${person}-0123456789`;
