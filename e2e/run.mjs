// End-to-end tests: serve the release build in dist/ and drive it in headless Chromium the way
// a person would. Run `trunk build --release` first (scripts/test does), then
// `node e2e/run.mjs`. Screenshots go to test-output/screenshots/.
//
// Each flow gets a fresh browser context and page. A flow fails if it throws, or if the page
// logs a console error, throws an uncaught error, or a request fails or returns >= 400.
// To add a flow, append { name, viewport?, colorScheme?, run: async (page, ctx) => {} } to
// `flows`.

import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const screenshots = path.join(root, 'test-output', 'screenshots');

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
const STARTING_UP = 'brokerlab: the simulator is starting up';
const TAGLINE = 'Apache Kafka, simulated in your browser — see how it really works.';

class AssertionError extends Error {}

function assert(condition, message) {
  if (!condition) throw new AssertionError(message);
}

function assertEqual(actual, expected, what) {
  assert(
    actual === expected,
    `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
  );
}

/** Waits until the app has mounted: the console prompt exists. */
async function openApp(page, baseUrl) {
  await page.goto(baseUrl, { waitUntil: 'load' });
  await page.waitForSelector('#console-input', { state: 'visible', timeout: 15_000 });
}

async function box(page, selector) {
  const b = await page.locator(selector).boundingBox();
  assert(b, `${selector} is not visible`);
  return b;
}

/** Fails if the page scrolls sideways or any area spills out of the viewport. */
async function assertFitsViewport(page, viewport) {
  const scrollWidth = await page.evaluate(() => document.scrollingElement.scrollWidth);
  assert(scrollWidth <= viewport.width, `page is ${scrollWidth}px wide in a ${viewport.width}px viewport`);
  for (const sel of ['#cluster', '#console']) {
    const b = await box(page, sel);
    assert(b.x >= 0 && b.x + b.width <= viewport.width + 0.5, `${sel} spills sideways`);
    assert(b.y >= 0 && b.y + b.height <= viewport.height + 0.5, `${sel} spills below the fold`);
  }
}

/** Sum of layout-shift scores since load that were not caused by input (CLS). */
async function layoutShift(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        let total = 0;
        const observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
        });
        observer.observe({ type: 'layout-shift', buffered: true });
        // Two frames let the buffered entries be delivered; then collect anything left.
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            for (const entry of observer.takeRecords()) if (!entry.hadRecentInput) total += entry.value;
            observer.disconnect();
            resolve(total);
          }),
        );
      }),
  );
}

async function consoleLines(page) {
  return page.locator('#console-output li').allTextContents();
}

async function typeCommand(page, command) {
  const input = page.locator('#console-input');
  await input.click();
  await input.pressSequentially(command);
  await input.press('Enter');
}

const flows = [
  {
    name: 'desktop: first screen shows the name, tagline and three areas',
    viewport: DESKTOP,
    async run(page, { baseUrl }) {
      await openApp(page, baseUrl);
      assertEqual(await page.title(), 'Brokerlab — Apache Kafka, simulated in your browser', 'title');
      assertEqual(await page.locator('h1').textContent(), 'Brokerlab', 'heading');
      assertEqual(await page.locator('[data-testid=tagline]').textContent(), TAGLINE, 'tagline');
      const cluster = await box(page, '#cluster');
      const lesson = await box(page, '#lesson');
      const consoleBox = await box(page, '#console');
      assert(cluster.x < lesson.x, 'lesson panel sits right of the cluster');
      assert(cluster.width * cluster.height > lesson.width * lesson.height, 'cluster is the largest area');
      assert(cluster.width * cluster.height > consoleBox.width * consoleBox.height, 'cluster is larger than the console');
      assert(consoleBox.y >= cluster.y + cluster.height, 'console is docked below the cluster');
      assert(Math.abs(consoleBox.y + consoleBox.height - (DESKTOP.height - 12)) <= 1, 'console reaches the bottom');
      const font = await page.locator('#console-output').evaluate((el) => getComputedStyle(el).fontFamily);
      assert(/mono/i.test(font), `console font is monospace (got ${font})`);
      await assertFitsViewport(page, DESKTOP);
      const cls = await layoutShift(page);
      assert(cls < 0.01, `layout shift while loading: ${cls}`);
      await page.screenshot({ path: path.join(screenshots, 'desktop.png') });
    },
  },
  {
    name: 'desktop: typing a command and pressing Enter echoes it in the console',
    viewport: DESKTOP,
    async run(page, { baseUrl }) {
      await openApp(page, baseUrl);
      const before = await consoleLines(page);
      await typeCommand(page, 'kafka-topics.sh --bootstrap-server localhost:9092 --list');
      await page.waitForFunction((n) => document.querySelectorAll('#console-output li').length >= n + 2, before.length);
      const lines = await consoleLines(page);
      assertEqual(lines.length, before.length + 2, 'lines added');
      assertEqual(lines.at(-2), '$ kafka-topics.sh --bootstrap-server localhost:9092 --list', 'echoed command');
      assertEqual(lines.at(-1), STARTING_UP, 'reply');
      assertEqual(await page.locator('#console-input').inputValue(), '', 'prompt is cleared');
      const focused = await page.evaluate(() => document.activeElement?.id);
      assertEqual(focused, 'console-input', 'focus stays in the prompt');
      // Enter on an empty prompt adds nothing.
      await page.locator('#console-input').press('Enter');
      assertEqual((await consoleLines(page)).length, lines.length, 'lines after an empty Enter');
      // Many commands: the newest line stays in view.
      for (let i = 1; i <= 12; i++) await typeCommand(page, `echo ${i}`);
      await page.waitForFunction(() => {
        const out = document.querySelector('#console-output');
        return out && out.lastElementChild?.textContent === 'brokerlab: the simulator is starting up'
          && out.querySelectorAll('li').length >= 27;
      });
      const inView = await page.locator('#console-output li').last().evaluate((li) => {
        const out = li.parentElement.getBoundingClientRect();
        const r = li.getBoundingClientRect();
        return r.bottom <= out.bottom + 1 && r.top >= out.top - 1;
      });
      assert(inView, 'newest console line is scrolled into view');
      await page.screenshot({ path: path.join(screenshots, 'desktop-console.png') });
    },
  },
  {
    name: 'desktop: keyboard reaches the lesson toggle with visible focus, and it hides the panel',
    viewport: DESKTOP,
    async run(page, { baseUrl }) {
      await openApp(page, baseUrl);
      await page.keyboard.press('Tab');
      assertEqual(await page.evaluate(() => document.activeElement?.id), 'lesson-toggle', 'first Tab stop');
      const outline = await page.locator('#lesson-toggle').evaluate((el) => getComputedStyle(el).outlineStyle);
      assert(outline !== 'none', 'focused button shows an outline');
      await page.screenshot({ path: path.join(screenshots, 'desktop-focus.png'), clip: { x: 0, y: 0, width: 1280, height: 120 } });
      const clusterBefore = await box(page, '#cluster');
      await page.keyboard.press('Enter');
      await page.locator('#lesson').waitFor({ state: 'hidden' });
      assertEqual(await page.locator('#lesson-toggle').getAttribute('aria-expanded'), 'false', 'aria-expanded');
      const clusterAfter = await box(page, '#cluster');
      assert(clusterAfter.width > clusterBefore.width, 'cluster takes the freed width');
      await page.locator('#lesson-toggle').click();
      await page.locator('#lesson').waitFor({ state: 'visible' });
    },
  },
  {
    name: 'desktop dark: the dark theme follows prefers-color-scheme',
    viewport: DESKTOP,
    colorScheme: 'dark',
    async run(page, { baseUrl }) {
      await openApp(page, baseUrl);
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const [r, g, b] = bg.match(/\d+/g).map(Number);
      assert(r + g + b < 150, `dark background expected, got ${bg}`);
      await page.screenshot({ path: path.join(screenshots, 'desktop-dark.png') });
    },
  },
  {
    name: 'phone: the areas stack, the console stays at the bottom and works',
    viewport: PHONE,
    isMobile: true,
    hasTouch: true,
    async run(page, { baseUrl }) {
      await openApp(page, baseUrl);
      const cluster = await box(page, '#cluster');
      const lesson = await box(page, '#lesson');
      const consoleBox = await box(page, '#console');
      assert(cluster.y + cluster.height <= lesson.y, 'lesson is below the cluster');
      assert(lesson.y + lesson.height <= consoleBox.y, 'console is below the lesson');
      for (const [name, b] of [['cluster', cluster], ['lesson', lesson], ['console', consoleBox]]) {
        assert(b.width >= PHONE.width - 2 * 8 - 1, `${name} spans the width (got ${b.width})`);
      }
      assert(cluster.height >= 150, `cluster keeps room to show brokers (got ${cluster.height}px)`);
      await assertFitsViewport(page, PHONE);
      await page.screenshot({ path: path.join(screenshots, 'phone.png') });
      await page.locator('#console-input').tap();
      await page.locator('#console-input').fill('kafka-topics.sh --list');
      await page.locator('#console-input').press('Enter');
      await page.waitForFunction((t) => document.querySelector('#console-output')?.lastElementChild?.textContent === t, STARTING_UP);
      await page.screenshot({ path: path.join(screenshots, 'phone-console.png') });
    },
  },
  {
    name: 'phone dark: stacked layout in the dark theme',
    viewport: PHONE,
    isMobile: true,
    colorScheme: 'dark',
    async run(page, { baseUrl }) {
      await openApp(page, baseUrl);
      await assertFitsViewport(page, PHONE);
      await page.screenshot({ path: path.join(screenshots, 'phone-dark.png') });
    },
  },
];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls until the server answers (or it exits, or the deadline passes). */
async function waitForServer(url, server, deadlineMs = 15_000) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`http server exited with ${server.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`http server did not answer at ${url}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function runFlow(browser, flow, baseUrl) {
  const context = await browser.newContext({
    viewport: flow.viewport ?? DESKTOP,
    colorScheme: flow.colorScheme ?? 'light',
    isMobile: flow.isMobile ?? false,
    hasTouch: flow.hasTouch ?? false,
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  try {
    await flow.run(page, { baseUrl });
    if (problems.length) throw new AssertionError(problems.join('\n'));
  } finally {
    await context.close();
  }
}

async function main() {
  if (!existsSync(path.join(dist, 'index.html'))) {
    console.error('e2e: dist/index.html is missing; run `trunk build --release` first');
    return 1;
  }
  await mkdir(screenshots, { recursive: true });

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}/`;
  const server = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', '--directory', dist, String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let serverLog = '';
  server.stderr.on('data', (d) => {
    serverLog = (serverLog + d).slice(-4000);
  });
  const stopServer = () => {
    if (server.exitCode === null && !server.killed) server.kill('SIGTERM');
  };
  process.on('exit', stopServer);

  let browser;
  let passed = 0;
  let failed = 0;
  try {
    await waitForServer(baseUrl, server);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
    for (const flow of flows) {
      try {
        await runFlow(browser, flow, baseUrl);
        passed += 1;
        console.log(`ok - ${flow.name}`);
      } catch (err) {
        failed += 1;
        console.log(`not ok - ${flow.name}`);
        for (const line of String(err?.stack && !(err instanceof AssertionError) ? err.stack : err?.message ?? err).split('\n')) {
          console.log(`  # ${line}`);
        }
      }
    }
  } catch (err) {
    failed += 1;
    console.log(`not ok - e2e setup: ${err?.message ?? err}`);
    if (serverLog) console.log(serverLog.replace(/^/gm, '  # '));
  } finally {
    if (browser) await browser.close();
    stopServer();
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
