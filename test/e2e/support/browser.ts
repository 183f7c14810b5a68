import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test', 'artifacts');

/** Debian's Chromium, headless, with the flags this closed network needs (no background connections). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (CI's .ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a full-page screenshot under test/artifacts/ (ignored by git, kept by CI). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const axeSource = () => readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };

/**
 * Makes axe-core present in every page the context opens, before the page's own scripts (the context must be
 * created with `bypassCSP: true`). Sending axe once per context instead of once per page makes a check about five
 * times faster.
 */
export async function enableAxe(context: BrowserContext): Promise<void> {
  await context.addInitScript({ content: axeSource() });
}

/**
 * Runs axe-core in the page and returns the serious and critical violations. The page's CSP forbids inline
 * scripts, so the caller's context must be created with bypassCSP for the injection (the app's CSP is tested
 * separately). Injects axe unless enableAxe already put it in the page.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  const present = await page.evaluate(() => typeof (globalThis as unknown as { axe?: unknown }).axe === 'object');
  if (!present) await page.addScriptTag({ content: axeSource() });
  // Runs in the browser: the page's globals are reached through globalThis (this file compiles without DOM types).
  const result = await page.evaluate(async () => {
    const browserGlobals = globalThis as unknown as {
      axe: { run: (context: unknown, options: object) => Promise<{ violations: AxeViolation[] }> };
      document: unknown;
    };
    return browserGlobals.axe.run(browserGlobals.document, { resultTypes: ['violations'] });
  });
  return result.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** Violations as lines a person can act on: rule, impact, help, and the CSS target of every node. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help}\n${violation.nodes.map((node) => `    at ${node.target.join(' ')}`).join('\n')}`,
    )
    .join('\n');
}
