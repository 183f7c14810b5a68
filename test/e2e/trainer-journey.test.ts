/**
 * A trainer's journey in Chromium with JavaScript off (the editor must work without it): sign in, open the course
 * they are assigned to, rewrite a module's English text, preview it with the no-JS Preview button, upload a PNG into
 * the course's assets, put it in the text with alt text, save, publish; then a visitor sees the new text and image.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createAccount, signIn, type Account } from './support/accounts';
import { launchBrowser, screenshot } from './support/browser';
import { startE2eServer, type E2eServer } from './support/app-server';

/** A valid 16×16 PNG (blue and yellow checks), made for this test. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAJElEQVR42mPg9uuBo/8nGOAIlzjDINRAjCJk8cGoYTQeBoUGABDEVhAEU1d6AAAAAElFTkSuQmCC',
  'base64',
);
const ALT = 'Blue and yellow checks showing the lot structure';
// Chromium puts a space before the visually hidden ": Module 1" in the accessible name.
const EDIT_MODULE_1 = /^Edit English text\s?: Module 1$/;
const NEW_TEXT = 'Suppliers who read the whole solicitation win more often.';

const naturalWidth = (page: Page, selector: string) =>
  page.locator(selector).evaluate((node) => (node as unknown as { naturalWidth: number }).naturalWidth);

describe('trainer journey in the browser', () => {
  let app: E2eServer;
  let browser: Browser;
  let trainer: Account;
  let context: BrowserContext;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startE2eServer('trainer'), launchBrowser()]);
    trainer = await createAccount(app, { name: 'Wang Fang', email: 'wang.fang@example.org', role: 'trainer', courses: ['e2e-course'] });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', javaScriptEnabled: false });
    context.setDefaultTimeout(10000);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('edits, previews without JavaScript, uploads an image, saves and publishes; visitors see the new module', async () => {
    const page = await context.newPage();
    await signIn(page, app.base, trainer);
    await page.goto(`${app.base}/author`);
    await page.getByRole('link', { name: 'Fixture e2e-course' }).click();
    await page.getByRole('heading', { level: 1, name: 'Fixture e2e-course' }).waitFor();

    // The English text of module 1, in the Markdown editor.
    await page.getByRole('link', { name: EDIT_MODULE_1 }).click();
    await page.getByRole('heading', { level: 1, name: 'Module 1 (English)' }).waitFor();
    const markdown = page.getByLabel('Module text (Markdown)');
    expect(await markdown.inputValue()).toContain('Text of Module 1');
    // A `###` heading: a new `##` in one language only would (rightly) hold the draft until the other language has it too.
    const draftText = `${NEW_TEXT}\n\n### Before you bid\n\nRead **every** annex.\n`;
    await markdown.fill(draftText);

    // No-JS preview: the form posts to the preview action and the page comes back with the text kept, unsaved.
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.waitForURL(/\/text\/en\/preview$/);
    const preview = page.locator('#preview-body');
    await preview.getByText(NEW_TEXT).waitFor();
    await preview.getByRole('heading', { level: 3, name: 'Before you bid' }).waitFor();
    expect(await preview.locator('strong', { hasText: 'every' }).count()).toBe(1);
    expect(await page.getByLabel('Module text (Markdown)').inputValue()).toBe(draftText);
    await screenshot(page, 'trainer-editor-preview-1280');

    // Upload the image into the course's assets; the course page then shows the Markdown to use it.
    await page.goto(`${app.base}/author/courses/e2e-course`);
    await page.getByLabel('Upload files').setInputFiles({ name: 'Lot structure.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.waitForURL(/notice=uploaded/);
    const asset = page.locator('#assets .asset-list li').filter({ hasText: '.png' });
    const assetName = (await asset.getByRole('link').innerText()).trim();
    expect(assetName).toMatch(/^lot-structure-[0-9a-f]{6}\.png$/);
    expect(await asset.locator('code').innerText()).toBe(`![describe the image](assets/${assetName})`);
    await screenshot(page, 'trainer-course-assets-1280');

    // Back in the editor: the typed text was not saved by the preview. Insert the image with alt text, then save.
    await page.getByRole('link', { name: EDIT_MODULE_1 }).click();
    expect(await page.getByLabel('Module text (Markdown)').inputValue()).toContain('Text of Module 1');
    await page.getByLabel('Module text (Markdown)').fill(`${draftText}\n![${ALT}](assets/${assetName})\n`);
    await page.getByRole('button', { name: 'Preview' }).click();
    await preview.getByRole('img', { name: ALT }).waitFor();
    expect(await naturalWidth(page, `#preview-body img[alt="${ALT}"]`)).toBe(16);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/text\/en\?notice=saved$/);
    await page.getByRole('status').filter({ hasText: 'Saved to the draft.' }).waitFor();
    expect(await page.locator('.error-summary').count()).toBe(0);

    // Saved is not yet published: visitors still read the old text.
    const visitor = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'en-GB' });
    const visitorPage = await visitor.newPage();
    await visitorPage.goto(`${app.base}/courses/e2e-course/modules/module-1`);
    await visitorPage.getByText('Text of Module 1').waitFor();
    expect(await visitorPage.getByText(NEW_TEXT).count()).toBe(0);

    await page.goto(`${app.base}/author/courses/e2e-course`);
    await page.getByRole('button', { name: 'Publish the draft' }).click();
    await page.waitForURL(/notice=published/);
    await page.getByRole('status').filter({ hasText: 'Published: learners now see the new version.' }).waitFor();

    // The public module page: the new text, and the image with its alt text, served as a PNG.
    await visitorPage.goto(`${app.base}/courses/e2e-course/modules/module-1`);
    await visitorPage.getByText(NEW_TEXT).waitFor();
    expect(await visitorPage.getByText('Text of Module 1').count()).toBe(0);
    const image = visitorPage.getByRole('img', { name: ALT });
    await image.waitFor();
    const src = await image.getAttribute('src');
    expect(src).toBe(`/courses/e2e-course/assets/${assetName}`);
    expect(await naturalWidth(visitorPage, `main img[alt="${ALT}"]`)).toBe(16);
    const served = await visitor.request.get(app.base + src);
    expect(served.status()).toBe(200);
    expect(served.headers()['content-type']).toBe('image/png');
    expect(Buffer.compare(await served.body(), PNG)).toBe(0);
    await screenshot(visitorPage, 'module-with-new-image-360');
    await visitor.close();
  });
});
