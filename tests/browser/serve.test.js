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
/* one-a-day RUS-USA events in the test archive, as `kroniek events --one-a-day` counts them */
const DAILY = Number(process.env.KRONIEK_DAILY_RUS_USA || 13);
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
/* the codes of the source and target cells (the cells show names) */
const rowCodes = (page) => page.$$eval('#ev-body tr[data-ev]', (trs) => trs.map((tr) => [tr.cells[1].dataset.code, tr.cells[3].dataset.code]));
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
    check('load: the January 2022 escalation is visible (Russia ↔ United States in the latest month)', /Russia ↔ United States/.test(latest) && /conflict/.test(latest), latest);
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
    const dyc = await rowCodes(page);
    check('dyad: every row is RUS-USA either way', dyc.every((r) => [r[0].slice(0, 3), r[1].slice(0, 3)].sort().join() === 'RUS,USA'), JSON.stringify(dyc.slice(0, 3)));
    check('dyad: page title names the dyad', /Russia ↔ United States/.test(await page.title()), await page.title());
    check('names: actor cells show names, the code in the tooltip', dy.some((r) => /Russia|United States/.test(r[1])) &&
      (await page.$$eval('#ev-body td[data-code^="RUS"]', (tds) => tds.every((td) => /\(RUS/.test(td.title)))));
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

    /* 10. actor names: the look-up in the filter, Dutch names */
    await page.goto(BASE);
    await settle(page);
    await page.fill('#f-actor', 'Rusl');
    await page.waitForFunction(() => [...document.querySelectorAll('#actor-list option')].some((o) => o.value === 'RUS'));
    const opts = await page.$$eval('#actor-list option', (os) => os.map((o) => o.value + ' ' + o.label));
    check('look-up: typing "Rusl" suggests RUS with its names', opts.some((o) => /^RUS Russia \/ Rusland/.test(o)), opts.slice(0, 3).join('; '));
    await page.fill('#f-actor', 'Verenigde Staten');
    await page.press('#f-actor', 'Enter');
    await page.waitForURL(/actor=USA/);
    await settle(page);
    check('look-up: a Dutch name filters by its code', (await rowCodes(page)).every((r) => r[0].startsWith('USA') || r[1].startsWith('USA')));
    await page.selectOption('#o-names', 'nl');
    await page.waitForURL(/names=nl/);
    await settle(page);
    check('names: Dutch names on request', /Verenigde Staten/.test(await page.textContent('#ev-body')) && /Verenigde Staten/.test(await page.textContent('#ev-sub')));

    /* 11. the article view is titled by the article's title, else its first sentence */
    await page.goto(BASE + '?article=seed-2022-01-geneve&s=1');
    await settle(page);
    await page.waitForSelector('#article:not([hidden])');
    const at = await page.textContent('#art-title');
    check('article: titled by its first sentence when it has no title', at !== 'seed-2022-01-geneve' && /^Rusland en de Verenigde Staten/.test(at), at);
    check('article: the browser tab shows it too', (await page.title()).startsWith(at.slice(0, 20)));
    check('article: its events are named', /Rusland|Russia/.test(await page.textContent('#art-events')));
    await page.goto(BASE + '?q=heffingen');
    await settle(page);
    await page.click('#hits li a');
    await page.waitForSelector('#article:not([hidden])');
    const hitTitle = await page.textContent('#hits li a');
    check('article: an article with a title shows it', (await page.textContent('#art-title')) === hitTitle, hitTitle);

    /* 12. the map: events per country for the filter; a click filters */
    await page.goto(BASE + '?from=2022-01&to=2022-01');
    await settle(page);
    await page.waitForSelector('#map svg path.ctry');
    check('map: Natural Earth outlines drawn', (await page.$$('#map path.ctry')).length > 150);
    const rusFill = await page.$eval('#map path[data-code="RUS"]', (p) => p.getAttribute('fill'));
    const braFill = await page.$eval('#map path[data-code="BRA"]', (p) => p.getAttribute('fill'));
    check('map: a country with events is coloured, one without is grey', rusFill !== braFill && braFill === '#e2e5e9', rusFill + ' ' + braFill);
    check('map: a tooltip with the name and count', /Russia \(RUS\): \d+ events?/.test(await page.$eval('#map path[data-code="RUS"] title', (t) => t.textContent)));
    check('map: legend and the most active countries', (await page.$$('#map-legend li')).length >= 2 && /Russia/.test(await page.textContent('#map-top')));
    await page.$eval('#map-sec', (e) => e.scrollIntoView());
    /* a point inside Russia's outline (its bounding box's centre is not: the box spans Eurasia) */
    const inside = await page.$eval('#map path[data-code="RUS"]', (p) => {
      const b = p.getBBox(), m = p.getScreenCTM();
      for (let y = b.y + b.height * 0.5; y < b.y + b.height; y += 2) for (let x = b.x + b.width * 0.3; x < b.x + b.width; x += 2)
        if (p.isPointInFill(new DOMPoint(x, y))) return { x: m.a * x + m.e, y: m.d * y + m.f };
      return null;
    });
    await page.mouse.move(inside.x, inside.y);
    await (await page.$('#map-sec')).screenshot({ path: path.join(SHOTS, '10-map.png') });
    await page.mouse.click(inside.x, inside.y);
    await page.waitForURL(/actor=RUS/);
    await settle(page);
    check('map: clicking a country filters the table', (await rowCodes(page)).every((r) => r[0].startsWith('RUS') || r[1].startsWith('RUS')));
    check('map: the chosen country is outlined', (await page.$$('#map path.ctry.on[data-code="RUS"]')).length === 1);

    /* 13. comparison: the most active countries in one click, the two directions of a
       dyad, and more series added by name */
    await page.goto(BASE);
    await settle(page);
    await page.waitForSelector('#cmp-top');
    check('compare: offers the most active countries', /Netherlands/.test(await page.textContent('#cmp-top')));
    await page.click('#cmp-top');
    await page.waitForURL(/cmp=NLD/);
    await page.waitForFunction(() => document.querySelectorAll('#cmp-chart polyline').length === 4);
    check('compare: four countries drawn', (await page.$$('#cmp-legend li')).length === 4);
    await page.goto(BASE + '?dyad=RUS,USA');
    await settle(page);
    await page.waitForSelector('#cmp-chart svg polyline');
    const leg = await page.$$eval('#cmp-legend li', (ls) => ls.map((l) => l.textContent));
    check('compare: a dyad gives its two directions', leg.length === 2 && /Russia → United States/.test(leg[0]) && /United States → Russia/.test(leg[1]), leg.join(' | '));
    await page.fill('#cmp-in', 'China');
    await page.press('#cmp-in', 'Enter');
    await page.waitForURL(/cmp=CHN/);
    await page.fill('#cmp-in', 'NAVO - Rusland');
    await page.click('#cmp-form button');
    await page.waitForURL(/cmp=CHN(\+|%20)IGOWSTNAT-RUS/);
    await settle(page);
    await page.waitForFunction(() => document.querySelectorAll('#cmp-chart polyline').length === 4);
    const leg2 = await page.$$eval('#cmp-legend li', (ls) => ls.map((l) => l.textContent));
    check('compare: four series on one chart', leg2.length === 4 && /China/.test(leg2[2]) && /NATO ↔ Russia/.test(leg2[3]), leg2.join(' | '));
    await page.$eval('#cmp-sec', (e) => e.scrollIntoView());
    await page.hover('#cmp-chart svg rect.hit:last-of-type');
    check('compare: the readout gives every series', /China/.test(await page.textContent('#cmp-readout')), await page.textContent('#cmp-readout'));
    await (await page.$('#cmp-sec')).screenshot({ path: path.join(SHOTS, '11-compare.png') });
    await page.click('#cmp-legend li:nth-child(3) button');
    await page.waitForURL((u) => !/CHN/.test(u.search));
    check('compare: a series can be removed', !/CHN/.test(page.url()));

    /* 14. one a day, and counts per 100 articles */
    await page.goto(BASE + '?dyad=RUS,USA');
    await settle(page);
    const before = await page.textContent('#ev-sub');
    await page.check('#o-daily');
    await page.waitForURL(/daily=1/);
    await settle(page);
    const after = await page.textContent('#ev-sub');
    check('one a day: fewer events', parseInt(after, 10) < parseInt(before, 10) && /one a day/.test(after), before + ' | ' + after);
    await page.check('#o-norm');
    await page.waitForURL(/norm=1/);
    await settle(page);
    check('per 100 articles: the unit says so', /one-a-day events per 100 articles per month/.test(await page.textContent('#chart-unit')));
    await page.focus('#chart svg');
    await page.keyboard.press('End');
    check('per 100 articles: the readout gives the articles', /per 100 articles \(\d+ in \d+ articles?\)/.test(await page.textContent('#readout')), await page.textContent('#readout'));
    await shot(page, '13-one-a-day-per-article');

    /* 15. download the selection: CSV, JSON Lines, GDELT TSV */
    await page.goto(BASE + '?dyad=RUS,USA&daily=1');
    await settle(page);
    await page.click('#dl summary');
    await page.waitForSelector('#dl[open] #dl-csv');
    check('download: the menu says what is downloaded', new RegExp(DAILY + ' one-a-day events: Russia ↔ United States').test(await page.textContent('#dl-what')), await page.textContent('#dl-what'));
    await page.$eval('#events-sec', (e) => e.scrollIntoView());
    await shot(page, '12-download');
    const grab = async (id) => {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click(id)]);
      const file = path.join(SHOTS, '..', 'downloads', dl.suggestedFilename());
      await dl.saveAs(file);
      if (!(await page.$('#dl[open]'))) await page.click('#dl summary');
      return [dl.suggestedFilename(), fs.readFileSync(file, 'utf8')];
    };
    const [csvName, csv] = await grab('#dl-csv');
    const csvLines = csv.trim().split('\n');
    check('download: CSV with a header and the one-a-day rows', csvName === 'kroniek-events-one-a-day.csv' && /^doc,date,/.test(csvLines[0]) && csvLines.length === DAILY + 1, csvName + ' ' + csvLines.length);
    const [jName, jl] = await grab('#dl-jsonl');
    const objs = jl.trim().split('\n').map((l) => JSON.parse(l));
    check('download: JSON Lines with names', /\.jsonl$/.test(jName) && objs.length === DAILY && objs.every((o) => o.source_name && o.target_name), jName + ' ' + objs.length);
    const [gName, gd] = await grab('#dl-gdelt');
    const gl = gd.trim().split('\n');
    check('download: GDELT TSV with its columns', /\.tsv$/.test(gName) && /^GLOBALEVENTID\t/.test(gl[0]) && gl.length === DAILY + 1 && gl.every((l) => l.split('\t').length === gl[0].split('\t').length), gName + ' ' + gl.length);

    /* 16. a narrow laptop screen still shows everything without horizontal scrolling */
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
