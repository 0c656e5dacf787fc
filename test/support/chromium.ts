// Headless Chromium as the reader of our HTML reports: the DOM it builds and the pixels it draws.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodePng, type Pixels } from './png.js';

async function run(page: string, args: string[]): Promise<{ stdout: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'kafka-ir-chromium-'));
  const { stdout } = await promisify(execFile)('/usr/bin/chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--hide-scrollbars', `--user-data-dir=${dir}/profile`,
    ...args.map((a) => a.replace('{dir}', dir)), `file://${page}`,
  ], { timeout: 90_000, maxBuffer: 10 * 1024 * 1024 });
  return { stdout, dir };
}

/** The DOM Chromium built from the page (nothing runs in it: our reports carry no scripts). */
export async function renderedDom(page: string): Promise<string> {
  const { stdout, dir } = await run(page, ['--dump-dom']);
  await rm(dir, { recursive: true, force: true });
  return stdout;
}

/** A screenshot of the page's first `height` pixels at 1200 wide. */
export async function screenshot(page: string, height: number): Promise<Pixels> {
  const { dir } = await run(page, ['--screenshot={dir}/page.png', `--window-size=1200,${height}`]);
  try {
    return decodePng(await readFile(join(dir, 'page.png')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
