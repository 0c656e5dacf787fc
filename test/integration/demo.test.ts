// `kafka-ir demo` on the real cluster and the test Temporal: its answers against the story's known truth, checked with kcat and Kafka's own tools.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/run-demo.js';
import { BUSINESS } from '../../src/demo/scenario.js';
import { eventually } from '../support/engine.js';
import { engineEnv } from '../support/infra.js';
import { kafkaTool } from '../support/kafka-tools.js';
import { kcatConsume } from '../support/kcat.js';
import { devAccessLogFiles } from '../support/access-log.js';
import { renderedDom, screenshot } from '../support/chromium.js';
import { countColour } from '../support/png.js';

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { chunks.push(chunk.toString()); done(); } });
  return { stream, text: () => chunks.join('') };
}

describe('kafka-ir demo', () => {
  it('tells the story end to end and answers with the truth: both topics read (through a group and without one) with their exact offsets, the coverage behind them, classified data not read, the backdoor, time to contain', async () => {
    const stdout = capture();
    const stderr = capture();
    const { answers, story, demo } = await runDemo(engineEnv(), {
      json: true, stdout: stdout.stream, stderr: stderr.stream, pauseMs: [100, 300], accessLog: devAccessLogFiles(),
    });

    // --json: nothing but the answers belongs on stdout (the command prints them); progress went to stderr.
    expect(stdout.text()).toBe('');
    expect(stderr.text()).toMatch(/\[exfiltration\]\s+deny: done/);
    expect(stderr.text()).toMatch(/\[backdoor\]\s+delete-credentials: done/);

    // The truth, by Kafka's own tools: each topic holds the ERP's messages; only the group's topic has a committed offset.
    const endOffset = (topic: string) => Number(/:0:(\d+)/.exec(kafkaTool('org.apache.kafka.tools.GetOffsetShell', ['--topic', topic, '--time', '-1']))![1]);
    expect(endOffset(story.topics.purchasing)).toBe(BUSINESS.purchasing.length);
    expect(endOffset(story.topics.supply)).toBe(BUSINESS.supply.length);
    const groupOffsets = kafkaTool('org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', ['--describe', '--group', story.attackerGroup, '--offsets']);
    expect(groupOffsets).toContain(story.topics.purchasing);
    expect(groupOffsets).not.toContain(story.topics.supply);

    // The brokers' records name both topics, the reader with no group included, with every offset it was sent.
    const read = (topic: string, messages: number, groups: string[]) => expect.objectContaining({
      topic, messages: { atLeast: messages, atMost: messages }, groups,
      ranges: [expect.objectContaining({ partition: 0, from: 0, provenTo: messages, possibleTo: messages })],
    });
    expect(answers.topicsRead).toEqual([
      read(story.topics.purchasing, BUSINESS.purchasing.length, [story.attackerGroup]),
      read(story.topics.supply, BUSINESS.supply.length, []),
    ]);
    // The runbook looks back 24 h and the records reach back only to when the brokers began writing them; but every
    // topic the attacker can reach was created in this story, after that, so nothing escaped them: the answer is exact.
    expect(answers.coverage).toMatchObject({ basis: 'records', answer: 'exact', missing: [] });
    // customers is readable and the records show no read of it.
    expect(answers.classifiedDataTouched).toEqual(expect.objectContaining({ answer: 'not seen', topics: [] }));
    expect(answers.backdoor).toBe(story.backdoor);
    expect(answers.timeToContainSeconds).toBeGreaterThan(0);
    expect(answers.incidents.backdoor).toMatch(/^ir-unauthorized-access-/);
    const captured = readdirSync(answers.evidence!).filter((f) => f.endsWith('.ndjson'));
    expect(captured).toHaveLength(2);
    for (const file of [answers.reports.exfiltration, answers.reports.backdoor!]) {
      expect(file.startsWith(demo.dir)).toBe(true);
      expect(readFileSync(file, 'utf8')).toMatch(/closed/);
    }
    // The post-mortem opens with the same answers, and its HTML draws the offsets read.
    const md = readFileSync(answers.reports.exfiltration, 'utf8');
    expect(md.indexOf('## The answers')).toBeLessThan(md.indexOf('## Metrics'));
    // The engine found the backdoor in the brokers' records (who made it with the stolen password) and raised its incident;
    // each post-mortem names the other.
    expect(stderr.text()).toMatch(new RegExp(`the hunt found ${story.backdoor} \\(User:${story.sergei} created SCRAM user ${story.backdoor} .*\\): the engine raised unauthorized-access for it, incident ${answers.incidents.backdoor}`));
    expect(md).toContain(`follow-up incident ${answers.incidents.backdoor} (unauthorized-access, started)`);
    expect(readFileSync(answers.reports.backdoor!, 'utf8')).toContain(`kafka-ir incident ${answers.incidents.exfiltration}`);
    expect(md).toContain(`| ${story.topics.supply} | ${BUSINESS.supply.length} | p0 0–${BUSINESS.supply.length - 1} |`);
    const page = answers.reports.exfiltration.replace(/\.md$/, '.html');
    const dom = await renderedDom(page);
    expect(dom.indexOf('<h2>The answers</h2>')).toBeLessThan(dom.indexOf('<h2>Metrics</h2>'));
    const offsets = /<svg class="offsets-chart"[\s\S]*?<\/svg>/.exec(dom)![0];
    expect([...offsets.matchAll(/<g class="topic"><text[^>]*>([^<]+)</g)].map((m) => m[1])).toEqual([story.topics.purchasing, story.topics.supply]);
    // Each topic's one partition was read to its end: the proven bar spans the whole partition, drawn in a colour nothing else uses.
    expect(offsets.match(/<rect class="proven"/g)).toHaveLength(2);
    // Drawn against each partition's log as the brokers held it (GetOffsetShell's end offsets above).
    expect(offsets).toContain(`<title>partition 0: offsets 0–${BUSINESS.supply.length - 1} in the log when measured</title>`);
    expect(countColour(await screenshot(page, 1400), '#a40e26')).toBeGreaterThan(2 * 8_000);

    // The backdoor is gone: no SCRAM credential left (Kafka's ConfigCommand), and its password opens nothing.
    expect(kafkaTool('kafka.admin.ConfigCommand', ['--describe', '--entity-type', 'users', '--entity-name', story.backdoor])).not.toMatch(/SCRAM/);
    expect(kcatConsume(story.backdoor, story.passwords.backdoor, story.topics.purchasing).status).not.toBe(0);

    // Sergei is back with the rotated password; the stolen one is refused.
    const secrets = readdirSync(demo.secretsDir);
    expect(secrets).toHaveLength(1);
    const fresh = readFileSync(join(demo.secretsDir, secrets[0]!), 'utf8').trim();
    await eventually(async () => (kcatConsume(story.sergei, fresh, story.topics.purchasing).status === 0 ? true : undefined), 30_000, 'sergei to read with the new password');
    expect(kcatConsume(story.sergei, story.passwords.sergei, story.topics.purchasing).status).not.toBe(0);

    // No password reached the output.
    for (const secret of [fresh, ...Object.values(story.passwords)]) expect(stderr.text()).not.toContain(secret);
    expect(JSON.stringify(answers)).not.toContain(fresh);
    // The hunt reads every admin request of the last 24 h: on a cluster the whole suite has used, that is a lot to read and raise.
  }, 300_000);
});
