// The demo's copy of the built-in runbooks: the backdoor hunts look back the story's minutes, everything else as shipped.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyBuiltinRunbooks } from '../../../../src/demo/demo-engine.js';

describe('copyBuiltinRunbooks', () => {
  it('shortens only the hunts\' look-back and leaves the roster out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-ir-runbooks-'));
    copyBuiltinRunbooks(dir, '15m');
    expect(readdirSync(dir)).not.toContain('_roster.yaml');
    const exfiltration = readFileSync(join(dir, 'data-exfiltration.yaml'), 'utf8');
    const shipped = readFileSync('runbooks/data-exfiltration.yaml', 'utf8');
    expect(exfiltration).toContain('with: { since: "${alert.observedAt - 15m}" }');
    expect(exfiltration).not.toContain('with: { since: "${alert.observedAt - 24h}" }');
    // The blast radius and the baseline keep the day.
    expect(exfiltration).toContain('since: "${alert.observedAt - 24h}" }');
    expect(exfiltration.split('\n').length).toBe(shipped.split('\n').length);
    for (const file of ['compromised-credentials.yaml', 'unauthorized-access.yaml']) {
      expect(readFileSync(join(dir, file), 'utf8')).toContain('with: { since: "${alert.observedAt - 15m}" }');
    }
  });
});
