import type { Page } from 'playwright-core';

/** A date `offset` days from today, as a date input wants it. */
export const dayFromToday = (offset: number) => new Date(Date.now() + offset * 24 * 3600 * 1000).toISOString().slice(0, 10);

/**
 * A signed-in trainer creates a cohort of one course through the form (English UI), running from today for 60 days.
 * Returns the roster's path and the join link the roster page shows.
 */
export async function createCohortAsTrainer(page: Page, base: string, name: string, courseLabel: string) {
  await page.goto(`${base}/cohorts?lang=en`);
  await page.getByRole('link', { name: 'Create a cohort' }).click();
  await page.locator('main input#name').fill(name);
  await page.getByLabel(courseLabel).check();
  await page.locator('main input#startsOn').fill(dayFromToday(0));
  await page.locator('main input#endsOn').fill(dayFromToday(60));
  await Promise.all([page.waitForURL(/\/cohorts\/[0-9a-f]{24}$/), page.getByRole('button', { name: 'Create the cohort' }).click()]);
  const cohortPath = new URL(page.url()).pathname;
  const joinUrl = await page.locator('main input#join-link').inputValue();
  return { cohortPath, joinUrl };
}
