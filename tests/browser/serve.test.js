/*
 * serve.test.js -- the kroniek page in real headless Chromium, driven by playwright-core.
 *
 *   KRONIEK_URL=http://127.0.0.1:PORT/ node tests/browser/serve.test.js
 *
 * The server must be running on an archive ingested from the seed, the Dutch news file
 * and tests/browser/evil.jsonl (tests/cli/browser.sh does all of that).  Steps: load,
 * search, filter by dyad, open an event and see its highlighted sentence, keyboard use,
 * back/forward, a shared URL, and stored markup shown as text.  A screenshot of each view
 * goes to $SCREENSHOTS (default build/screenshots).  Prints "N passed, N failed".
 */
'use strict';
const path = require('path');
const fs = require('fs');
const { chromium } = require('playwright-core');

const BASE = process.env.KRONIEK_URL || 'http://127.0.0.1:8080/';
const SHOTS = process.env.SCREENSHOTS || path.join(__dirname, '..', '..', 'build', 'screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
let passed = 0, failed = 0;

function check(name, ok, detail) {
  if (ok) { passed++; console.log('ok   ' + name); }
  else { failed++; console.log('FAIL ' + name + (detail !== undefined ? ' -- ' + String(detail).slice(0, 300) : '')); }
}
async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name + '.png'), fullPage: false });
}
const rowsText = (page) => page.$$eval('#ev-body tr[data-ev]', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
async function settle(page) {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => !document.querySelector('.busy'));
}

(async () => {
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  const errors = [], dialogs = [];
  page.on('pageerror', (e) => errors.push('pageerror: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  try {
    /* 1. load: overview without typing anything */
    await page.goto(BASE);
    await settle(page);
    await page.waitForSelector('#ev-body tr[data-ev]');
    const stats = await page.textContent('#stats');
    check('load: archive statistics shown', /\d+ articles · \d+ events/.test(stats), stats);
    check('load: timeline drawn as SVG', (await page.$$('#chart svg rect.hit')).length > 0);
    const latest = await page.textContent('#dyads-latest');
    check('load: the January 2022 escalation is visible (RUS ↔ USA in the latest month)', /RUS ↔ USA/.test(latest) && /conflict/.test(latest), latest);
    check('load: latest month is January 2022', /Jan 2022/.test(await page.textContent('#dyads-latest-h')));
    const first = await rowsText(page);
    check('load: newest events first (2022-01)', first.length > 0 && first[0][0].startsWith('2022-01'), first[0]);
    check('load: table shows CAMEO labels', first.some((r) => /[A-Za-z]{4,}/.test(r[2])), first[0]);
    check('load: conflict bars in the chart', (await page.$$('#chart rect.q3, #chart rect.q4')).length > 0);
    await shot(page, '01-overview');

    /* 2. full-text search, typed and submitted with Enter */
    await page.press('body', '/');
    check('keyboard: / focuses the search box', await page.evaluate(() => document.activeElement.id === 'f-q'));
    await page.keyboard.type('sancties');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=sancties/);
    await settle(page);
    await page.waitForSelector('#hits li');
    const hits = await page.textContent('#hits');
    check('search: the seed article is among the hits', /Gen[eè]ve|seed-2022-01-geneve/.test(hits), hits.slice(0, 200));
    check('search: matches are marked', (await page.$$('#hits mark')).length > 0);
    check('search: events restricted to matching articles', (await rowsText(page)).length > 0);
    await shot(page, '02-search');

    /* 3. filter by dyad (form, Enter in the second field) */
    await page.click('#reset');
    await settle(page);
    await page.fill('#f-da', 'rus');
    await page.fill('#f-db', 'usa');
    await page.press('#f-db', 'Enter');
    await page.waitForURL(/dyad=RUS%2CUSA|dyad=RUS,USA/);
    await settle(page);
    const dy = await rowsText(page);
    check('dyad: rows shown', dy.length > 0);
    check('dyad: every row is RUS-USA either way', dy.every((r) => [r[1].slice(0, 3), r[3].slice(0, 3)].sort().join() === 'RUS,USA'), JSON.stringify(dy.slice(0, 3)));
    check('dyad: page title names the dyad', /RUS ↔ USA/.test(await page.title()));
    check('dyad: 2022-01 has conflict bars', (await page.$$('#chart rect.q3, #chart rect.q4')).length > 0);
    check('dyad: dyad list marks the current dyad', (await page.$$('#dyads .dyad-btn[aria-current="true"]')).length === 1);
    await shot(page, '03-dyad');

    /* 4. open an event with the keyboard: Tab to the first row's link, Enter */
    await page.focus('#ev-body a[data-ev]');
    await page.keyboard.press('ArrowDown');
    const focusedEv = await page.evaluate(() => document.activeElement.getAttribute('data-ev'));
    check('keyboard: arrow down moves to the next event', focusedEv && focusedEv === (await page.$$eval('#ev-body a[data-ev]', (a) => a[1] && a[1].getAttribute('data-ev'))));
    const evText = await page.evaluate(() => document.activeElement.textContent);
    await page.keyboard.press('Enter');
    await page.waitForURL(/article=/);
    await page.waitForSelector('#article:not([hidden]) mark.evidence');
    const mark = await page.textContent('#article mark.evidence');
    check('article: the evidence sentence is highlighted', mark.trim() === evText.trim(), mark + ' | ' + evText);
    check('article: highlighted sentence is inside the article text', (await page.textContent('#art-body')).includes(mark));
    check('article: focus moved to the article', await page.evaluate(() => document.activeElement.id === 'art-title'));
    check('article: the event is summarised', /→/.test(await page.textContent('#art-event')));
    check('article: marked row in the table', (await page.$$('#ev-body tr.sel')).length === 1);
    const inView = await page.evaluate(() => {
      const m = document.querySelector('#article mark.evidence').getBoundingClientRect();
      return m.top >= 0 && m.bottom <= window.innerHeight;
    });
    check('article: evidence scrolled into view', inView);
    await shot(page, '04-article');

    /* 5. back / forward, Escape */
    await page.goBack();
    await page.waitForFunction(() => document.getElementById('article').hidden);
    check('history: back closes the article', true);
    await page.goForward();
    await page.waitForSelector('#article:not([hidden]) mark.evidence');
    check('history: forward opens it again', true);
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.getElementById('article').hidden);
    check('keyboard: Escape closes the article and focus returns to the row',
      await page.evaluate(() => !!document.activeElement.closest('#ev-body')));

    /* 6. a shared URL restores the view */
    await page.goto(BASE + '?dyad=RUS,USA&from=2022-01&to=2022-01&sort=old');
    await settle(page);
    const sh = await rowsText(page);
    check('shared URL: form filled in', (await page.inputValue('#f-da')) === 'RUS' && (await page.inputValue('#f-from')) === '2022-01');
    check('shared URL: only 2022-01 rows', sh.length > 0 && sh.every((r) => r[0].startsWith('2022-01')), JSON.stringify(sh.map((r) => r[0])));

    /* 7. chart: keyboard drill-down and week view */
    await page.goto(BASE + '?dyad=RUS,USA');
    await settle(page);
    await page.focus('#chart svg');
    await page.keyboard.press('End');
    check('chart: readout for the focused period', /Jan 2022: \d+ events?/.test(await page.textContent('#readout')), await page.textContent('#readout'));
    await page.keyboard.press('Enter');
    await page.waitForURL(/from=2022-01/);
    await settle(page);
    check('chart: Enter narrows the dates to the period', (await page.inputValue('#f-to')) === '2022-01');
    await page.click('.seg label:has-text("Week")');
    await page.waitForURL(/by=week/);
    await settle(page);
    check('chart: week view', (await page.$$('#chart rect.hit')).length > 0);

    /* 8. stored markup is text: the hostile article */
    await page.goto(BASE + '?q=threatened&article=' + encodeURIComponent('evil-<b>1</b>') + '&s=1');
    await settle(page);
    await page.waitForSelector('#article:not([hidden])');
    const title = await page.textContent('#art-title');
    check('xss: title shown as text', title.includes("<script>alert('title')</script>"), title);
    check('xss: body shown as text', (await page.textContent('#art-body')).includes('<img src=x onerror=alert(2)>'));
    check('xss: no element made from data', (await page.$$('#article script, #article img, #article b, #ev-body script, #ev-body img, #hits script, #hits img')).length === 0);
    check('xss: javascript: url not linked', (await page.$$('#art-meta a')).length === 0);
    await page.waitForTimeout(300);
    check('xss: no dialog opened', dialogs.length === 0, dialogs.join('; '));
    await shot(page, '05-markup-as-text');

    /* 9. a bad filter gives a clear message, not a broken page */
    await page.goto(BASE + '?code=999999');
    await settle(page);
    check('errors: bad parameter shown', /code/.test(await page.textContent('#error')) && !(await page.$eval('#error', (e) => e.hidden)));

    /* 10. a narrow laptop screen still shows everything without horizontal scrolling */
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(BASE + '?dyad=RUS,USA');
    await settle(page);
    check('layout: no horizontal scroll at 1280px', await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await shot(page, '06-laptop-1280');

    const bad = errors.filter((e) => !/status of 400/.test(e));
    check('no script errors on the page', bad.length === 0, bad.join('\n'));
  } catch (e) {
    check('browser run', false, e.stack || e);
    try { await shot(page, '99-failure'); } catch (_) { /* ignore */ }
  } finally {
    await browser.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();
