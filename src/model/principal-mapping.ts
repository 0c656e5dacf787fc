// Kafka's ssl.principal.mapping.rules (KIP-371): how a broker turns a client certificate's subject into a principal name. Pure.

/** One rule: DEFAULT (the subject as it is) or RULE:pattern/replacement/[LU]. */
export type MappingRule = { kind: 'default' } | { kind: 'rule'; pattern: RegExp; source: string; replacement: string; caseFold?: 'L' | 'U' };

// As the broker reads the setting: rules separated by commas; a pattern or replacement may hold `\/` and commas.
const RULE = String.raw`(DEFAULT)|RULE:((?:\\.|[^\\/])*)/((?:\\.|[^\\/])*)/([LU]?).*?|(.*?)`;
const SPLITTER = new RegExp(String.raw`\s*(${RULE})\s*(?:,\s*|$)`, 'g');
const PARSER = new RegExp(`^(?:${RULE})`);

/** Parses the rules as the broker does; throws an Error saying which rule is malformed. */
export function parseMappingRules(rules: string): MappingRule[] {
  const parsed: MappingRule[] = [];
  const text = rules.trim();
  for (const match of text.matchAll(SPLITTER)) {
    const rule = match[1] ?? '';
    if (match.index === text.length && rule === '') break;
    const m = PARSER.exec(rule)!;
    if (m[0].length !== rule.length) throw new Error(`invalid rule \`${rule}\` (expected DEFAULT or RULE:pattern/replacement/ with an optional L or U)`);
    if (m[1]) parsed.push({ kind: 'default' });
    else if (m[2] !== undefined) {
      let pattern: RegExp;
      try {
        pattern = new RegExp(m[2], 'g');
      } catch (err) {
        throw new Error(`invalid pattern in rule \`${rule}\`: ${(err as Error).message}`);
      }
      parsed.push({ kind: 'rule', pattern, source: m[2], replacement: m[3] ?? '', ...(m[4] ? { caseFold: m[4] as 'L' | 'U' } : {}) });
    }
  }
  return parsed;
}

/**
 * The principal name the broker gives `subject` (RFC 2253, as Kafka prints it): the first rule whose pattern matches
 * the whole subject, its replacement applied; unset rules: DEFAULT. Undefined when no rule applies (the broker then
 * refuses the connection).
 */
export function mapPrincipal(subject: string, rules: string | undefined): string | undefined {
  for (const rule of parseMappingRules(rules ?? 'DEFAULT')) {
    if (rule.kind === 'default') return subject;
    if (!new RegExp(`^(?:${rule.source})$`).test(subject)) continue;
    const name = subject.replace(rule.pattern, rule.replacement);
    return rule.caseFold === 'L' ? name.toLowerCase() : rule.caseFold === 'U' ? name.toUpperCase() : name;
  }
  return undefined;
}
