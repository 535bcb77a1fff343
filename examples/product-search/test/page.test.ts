/// <reference lib="dom" />
// (the DOM library above types the functions that page.waitForFunction and $$eval run in the page)
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { Filter } from 'mongodb';
import { requireService } from '@sluice/testkit';
import { startApp } from '../src/app.js';
import type { App } from '../src/app.js';
import type { Product } from '../src/catalogue.js';
import { CatalogueGenerator } from '../src/generator.js';
import { chromiumPath } from './chromium.js';

/** Where the screenshot is kept (a test artifact; the README's copy is in docs/). */
const SCREENSHOT = path.resolve(__dirname, '..', '..', '..', '.jest-results', 'product-search-page.png');
const PRODUCTS = 600;

// The search page in a real headless Chromium, on the real pipeline: a sluice-worker process
// moving a MongoDB catalogue through Kafka into OpenSearch. Every count the page shows is
// checked against MongoDB, the source of truth, not against the search service's own answer.
describe('the search page', () => {
  let app: App;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const executablePath = chromiumPath(); // installs Debian's chromium when missing
    app = await startApp({
      kafka: requireService('kafka'),
      mongoUri: requireService('mongodb'),
      openSearchUrl: requireService('opensearch'),
      refreshInterval: '100ms',
      port: 0,
    });
    await new CatalogueGenerator(app.products).load(PRODUCTS, new AbortController().signal);
    for (let n = 0; n < 600 && (await app.search.count({ index: app.names.index })).body.count < PRODUCTS; n++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    const closed = await app?.close();
    expect(closed?.workerExit).toBe(0);
  }, 60_000);

  const count = (filter: Filter<Product>) => app.products.countDocuments(filter);
  const shownTotal = () =>
    page
      .locator('#total')
      .textContent()
      .then((text) => Number(text?.replace(/,/g, '')));
  const untilTotal = async (expected: number) => {
    await page.waitForFunction(
      (n) => document.getElementById('total')?.textContent === n.toLocaleString('en'),
      expected,
    );
    expect(await shownTotal()).toBe(expected);
  };
  /** The counts a facet shows: value → count. */
  const facetCounts = (field: string) =>
    page.$$eval(`[data-facet="${field}"] button`, (buttons) =>
      Object.fromEntries(
        buttons.map((b) => [(b as HTMLElement).dataset.value, Number(b.querySelector('.count')?.textContent)]),
      ),
    );
  /** The same counts from MongoDB. */
  const sourceCounts = async (field: string, filter: Filter<Product>) => {
    const counts: Record<string, number> = {};
    for await (const item of app.products.find(filter)) {
      const value = field.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], item);
      if (value !== undefined) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
    }
    return counts;
  };

  it('searches, narrows by facets with counts, sorts, and shows a change made in MongoDB', async () => {
    await page.goto(app.service.url);
    await page.locator('#q').pressSequentially('case', { delay: 40 });
    let filter: Filter<Product> = { category: 'case' };
    await untilTotal(await count(filter));
    expect(await facetCounts('brand')).toEqual(await sourceCounts('brand', filter));
    expect(await facetCounts('category')).toEqual({ case: await count(filter) });
    expect(await page.locator('[data-facet="attrs.ram_gb"]').count()).toBe(0); // cases have no RAM

    const brand = Object.keys(await facetCounts('brand'))[0] as string;
    await page.click(`[data-facet="brand"] button[data-value="${brand}"]`);
    filter = { ...filter, brand };
    await untilTotal(await count(filter));
    expect(await facetCounts('attrs.material')).toEqual(await sourceCounts('attrs.material', filter));
    for (const name of await page.locator('.result .name').allTextContents()) expect(name).toContain(`${brand} `);

    await page.click('[data-facet="price"] button[data-value="under 25"]');
    filter = { ...filter, price: { $lt: 25 } };
    await untilTotal(await count(filter));
    expect(await facetCounts('price')).toEqual({ 'under 25': await count(filter) });

    await page.selectOption('#sort', 'price-asc');
    const cheapest = (await app.products.find(filter).sort({ price: 1 }).limit(1).toArray())[0] as Product;
    await page.waitForFunction(
      (price) => document.querySelector('.result .price')?.textContent === `$${price.toFixed(2)}`,
      cheapest.price,
    );

    // a change in MongoDB reaches the open page through the pipeline, with no reload or typing
    const changed = (await app.products.find(filter).sort({ price: -1 }).limit(1).toArray())[0] as Product;
    const name = `${changed.name} (limited edition)`;
    await app.products.updateOne({ _id: changed._id }, { $set: { name, price: 1.99, updated_at: Date.now() } });
    const first = page.locator('.result').first();
    await first.locator('.name', { hasText: 'limited edition' }).waitFor({ timeout: 30_000 });
    expect(await first.getAttribute('data-id')).toBe(changed._id);
    expect(await first.locator('.price').textContent()).toBe('$1.99');
    expect(await shownTotal()).toBe(await count(filter));
    await page.locator('#freshness', { hasText: 'limited edition' }).waitFor();
    expect(await page.locator('#freshness').textContent()).toMatch(
      /^Live: the newest change became searchable \d+\.\d s ago, \d+ ms after its MongoDB write/,
    );

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
  }, 120_000);
});
