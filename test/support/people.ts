// The test roster's people and their personal API tokens (test/fixtures/runbooks/_roster.yaml holds only the hashes).
export const token = (person: 'alice' | 'bob' | 'carol' | 'dave') => `test-token-${person}-0123456789`;
