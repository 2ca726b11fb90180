/*
 * app.js -- the kroniek page: filters kept in the URL query string (shareable, back and
 * forward work), a dyad timeline drawn as SVG, a paged event table, and the article of
 * an event with its evidence sentence highlighted.  Plain JS, no framework.
 *
 * Every piece of archive data (article text, titles, actor names, snippets) reaches the
 * page through textContent / text nodes and is never parsed as markup, so stored HTML is
 * shown as text.
 */
'use strict';
(() => {
  const PAGE = 50;                       /* events per page */
  const FILTERS = ['q', 'actor', 'dyad', 'code', 'quad', 'from', 'to', 'lang'];
  const KEYS = [...FILTERS, 'by', 'sort', 'page', 'article', 's', 'ev', 'daily', 'norm', 'cmp', 'names'];
  const QUAD = ['', 'verbal cooperation', 'material cooperation', 'verbal conflict', 'material conflict'];
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const nf = new Intl.NumberFormat('en-GB');
  const gf = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1, minimumFractionDigits: 1, signDisplay: 'exceptZero' });
  const $ = (id) => document.getElementById(id);

  /* ---- DOM helpers: text is always a text node ---- */
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    if (attrs) for (const k of Object.keys(attrs)) {
      const v = attrs[k];
      if (v == null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of kids) if (c != null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  const SVGNS = 'http://www.w3.org/2000/svg';
  function sv(tag, attrs, text) {
    const e = document.createElementNS(SVGNS, tag);
    if (attrs) for (const k of Object.keys(attrs)) e.setAttribute(k, String(attrs[k]));
    if (text != null) e.textContent = text;
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  /* ---- state in the URL ---- */
  function readState() {
    const u = new URLSearchParams(location.search);
    const st = {};
    for (const k of KEYS) st[k] = (u.get(k) || '').trim();
    if (!['month', 'week', 'day'].includes(st.by)) st.by = 'month';
    if (st.sort !== 'old') st.sort = '';
    if (st.daily !== '1') st.daily = '';
    if (st.norm !== '1') st.norm = '';
    if (st.names !== 'nl') st.names = '';
    const p = parseInt(st.page, 10);
    st.page = p > 0 ? p : 1;
    return st;
  }
  function stateURL(st) {
    const u = new URLSearchParams();
    for (const k of KEYS) {
      const v = st[k];
      if (v === '' || v == null) continue;
      if (k === 'by' && v === 'month') continue;
      if (k === 'page' && Number(v) === 1) continue;
      u.set(k, String(v));
    }
    const qs = u.toString();
    return location.pathname + (qs ? '?' + qs : '');
  }
  function hrefFor(changes) { return stateURL(Object.assign({}, cur || readState(), changes)); }
  /* Change the view: push a history entry (or replace it) and render. */
  function go(changes, replace) {
    const url = stateURL(Object.assign({}, readState(), changes));
    if (url !== location.pathname + location.search) history[replace ? 'replaceState' : 'pushState'](null, '', url);
    render();
  }
  const CLOSED = { article: '', s: '', ev: '' };

  /* ---- API ---- */
  async function api(path, params, signal) {
    const u = new URLSearchParams();
    if (params) for (const k of Object.keys(params)) if (params[k] !== '' && params[k] != null) u.set(k, params[k]);
    const qs = u.toString();
    const res = await fetch('api/' + path + (qs ? '?' + qs : ''), { signal, headers: { Accept: 'application/json' } });
    let body = null;
    try { body = await res.json(); } catch (e) { /* not JSON */ }
    if (!res.ok) throw new Error((body && body.error) || ('HTTP ' + res.status));
    return body;
  }
  /* One in-flight request per part of the page; a newer one aborts the older. */
  const inflight = {};
  function fresh(name) {
    if (inflight[name]) inflight[name].abort();
    inflight[name] = new AbortController();
    return inflight[name].signal;
  }
  /* the names parameter of the API (English is its default) */
  function withNames(st, p) { if (st.names === 'nl') p.names = 'nl'; return p; }
  function apiFilter(st) {
    const p = {};
    for (const k of ['actor', 'dyad', 'code', 'quad', 'from', 'to', 'lang']) if (st[k]) p[k] = st[k];
    if (st.q) p.text = st.q;
    return p;
  }
  function showError(e) {
    if (e && e.name === 'AbortError') return;
    const box = $('error');
    box.textContent = e ? String(e.message || e) : '';
    box.hidden = !e;
  }

  /* ---- labels ---- */
  const codes = new Map();             /* "043" -> {label, quad, goldstein} */
  let stats = null;
  function codeLabel(code, fallback) {
    const c = codes.get(code);
    return (fallback || (c && c.label) || '').trim();
  }
  function fmtG(x) { return x == null || isNaN(x) ? '' : gf.format(x); }
  function gClass(x) { return x > 0 ? 'g-pos' : x < 0 ? 'g-neg' : 'g-zero'; }
  /* actor names: code -> name in the page's language, learnt from every answer */
  const names = new Map();
  function learn(code, name) { if (code && name) names.set(code, name); }
  function nameOf(code) { return (code && names.get(code)) || code || ''; }
  /* "Russia (RUS)", or the code alone when it has no other name */
  function nameCode(code) { const n = nameOf(code); return n && n !== code ? n + ' (' + code + ')' : code; }
  function dyadText(d) { if (!d) return ''; const [a, b] = d.split(','); return nameOf(a) + ' \u2194 ' + nameOf(b); }

  /* ---- the current view ---- */
  let cur = null;
  function describe(st) {
    const parts = [];
    if (st.dyad) parts.push(dyadText(st.dyad));
    if (st.actor) parts.push(nameOf(st.actor));
    if (st.code) parts.push('code ' + st.code + (codeLabel(st.code) ? ' (' + codeLabel(st.code) + ')' : ''));
    if (st.quad) parts.push(QUAD[st.quad]);
    if (st.from || st.to) parts.push((st.from || '\u2026') + ' \u2013 ' + (st.to || '\u2026'));
    if (st.lang) parts.push(st.lang === 'nl' ? 'Dutch' : 'English');
    if (st.q) parts.push('\u201c' + st.q + '\u201d');
    if (st.daily) parts.push('one a day');
    return parts.join(' \u00b7 ');
  }

  async function render() {
    const st = readState();
    const prev = cur;
    cur = st;
    syncForm(st);
    const fchanged = !prev || FILTERS.some((k) => prev[k] !== st[k]) || prev.names !== st.names;
    if (fchanged && prev && prev.names !== st.names) names.clear();
    const d = describe(st);
    document.title = 'kroniek' + (d ? ' \u2014 ' + d : '');
    if (fchanged) showError(null);
    /* the names of the filter's codes, for the headings (the answers bring the rest) */
    const fcodes = [st.actor, ...(st.dyad ? st.dyad.split(',') : [])].filter((c) => c && !names.has(c));
    if (fcodes.length) learnNames(fcodes, st).then(() => { if (cur === st) relabel(st); });
    const vchanged = fchanged || prev.by !== st.by || prev.daily !== st.daily || prev.norm !== st.norm;
    if (vchanged) loadChart(st);
    if (vchanged || prev.cmp !== st.cmp) loadCompare(st);
    if (fchanged) { loadDyads(st); loadHits(st); loadMap(st); }
    if (fchanged || prev.page !== st.page || prev.sort !== st.sort || prev.daily !== st.daily) loadEvents(st);
    else markSelected(st);
    updateDownload(st);
    if (!prev || prev.article !== st.article || prev.s !== st.s || prev.ev !== st.ev) loadArticle(st, prev);
  }

  /* headings that describe the view, again once names are known */
  function relabel(st) {
    const d = describe(st);
    if (!st.article) document.title = 'kroniek' + (d ? ' \u2014 ' + d : '');
    $('chart-sub').textContent = d || 'all events';
    updateDownload(st);
  }

  /* ---- the form ---- */
  function syncForm(st) {
    $('f-q').value = st.q;
    $('f-actor').value = st.actor;
    const [a, b] = st.dyad ? st.dyad.split(',') : ['', ''];
    $('f-da').value = a || '';
    $('f-db').value = b || '';
    $('f-code').value = st.code;
    $('f-quad').value = st.quad;
    $('f-from').value = st.from;
    $('f-to').value = st.to;
    $('f-lang').value = st.lang;
    for (const r of document.querySelectorAll('input[name=by]')) r.checked = r.value === st.by;
    $('o-daily').checked = !!st.daily;
    $('o-norm').checked = !!st.norm;
    $('o-names').value = st.names || 'en';
    for (const id of ['f-actor', 'f-da', 'f-db', 'f-code', 'f-from', 'f-to']) $(id).removeAttribute('aria-invalid');
    $('form-error').hidden = true;
  }
  const RE_ACTOR = /^[A-Za-z0-9]{1,64}$/;
  const RE_CODE = /^\d{2,4}$/;
  const RE_DATE = /^\d{4}-\d{2}(-\d{2})?$/;
  function formError(id, msg) {
    $(id).setAttribute('aria-invalid', 'true');
    $('form-error').textContent = msg;
    $('form-error').hidden = false;
    $(id).focus();
  }
  /* An actor field: a code (RUS, NLDGOV: upper case), or a name looked up in the
     archive's actors ("Rusland", "russia", "NAVO"): the most active match.  Returns
     the code, '' for empty, or null after showing an error. */
  const RE_CODE_TYPED = /^[A-Z0-9]{1,64}$/;
  async function actorField(id) {
    const raw = $(id).value.trim();
    if (!raw) return '';
    const sel = [...$('actor-list').options].find((o) => o.value === raw || o.label === raw);
    if (sel && RE_ACTOR.test(sel.value)) return sel.value.toUpperCase();
    const code = await resolveCode(raw);
    if (code) return code;
    formError(id, 'No actor is called \u201c' + raw + '\u201d. Type a name (Rusland, Russia, NAVO) or a CAMEO code (RUS, NLDGOV).');
    return null;
  }
  async function onSubmit(ev) {
    ev.preventDefault();
    for (const id of ['f-actor', 'f-da', 'f-db', 'f-code', 'f-from', 'f-to']) $(id).removeAttribute('aria-invalid');
    $('form-error').hidden = true;
    const v = (id) => $(id).value.trim();
    const actor = await actorField('f-actor');
    if (actor === null) return;
    const da = await actorField('f-da');
    if (da === null) return;
    const db = await actorField('f-db');
    if (db === null) return;
    if (actor && !RE_ACTOR.test(actor)) return formError('f-actor', 'An actor is a CAMEO code of letters and digits, e.g. RUS or NLDGOV.');
    if (da && !RE_ACTOR.test(da)) return formError('f-da', 'A dyad actor is a CAMEO code of letters and digits, e.g. RUS.');
    if (db && !RE_ACTOR.test(db)) return formError('f-db', 'A dyad actor is a CAMEO code of letters and digits, e.g. USA.');
    if ((da && !db) || (db && !da)) return formError(da ? 'f-db' : 'f-da', 'A dyad needs two actors; for one actor use the Actor field.');
    let code = v('f-code');
    const m = code.match(/^(\d{2,4})\b/);
    if (m) code = m[1];
    if (code && !RE_CODE.test(code)) return formError('f-code', 'An event code is 2 to 4 digits: a root like 13 or a code like 138.');
    const from = v('f-from'), to = v('f-to');
    if (from && !RE_DATE.test(from)) return formError('f-from', 'Dates are YYYY-MM-DD or YYYY-MM.');
    if (to && !RE_DATE.test(to)) return formError('f-to', 'Dates are YYYY-MM-DD or YYYY-MM.');
    go(Object.assign({
      q: v('f-q'), actor, dyad: da && db ? da + ',' + db : '', code, quad: $('f-quad').value,
      from, to, lang: $('f-lang').value, page: 1,
    }, CLOSED));
  }

  /* Actor look-up while typing (datalist): codes and names, Dutch or English. */
  let actorTimer = 0, actorPrefix = null;
  function suggestActors(ev) {
    const p = ev.target.value.trim();
    clearTimeout(actorTimer);
    if (!p || p.length > 64 || p === actorPrefix) return;
    actorTimer = setTimeout(async () => {
      try {
        const r = await api('actors', { q: p, limit: 25, names: cur && cur.names }, fresh('actors'));
        actorPrefix = p;
        const dl = $('actor-list');
        clear(dl);
        for (const a of r.actors) {
          learn(a.code, a.name);
          const other = a.name_nl !== a.name ? a.name_nl : a.name_en !== a.name ? a.name_en : '';
          dl.append(el('option', { value: a.code, label: a.name + (other ? ' / ' + other : '') + ' \u00b7 ' + nf.format(a.events) + ' events' }));
        }
      } catch (e) { /* suggestions are optional */ }
    }, 150);
  }

  /* ---- header statistics ---- */
  async function loadStats() {
    try {
      stats = await api('stats');
      $('stats').textContent = nf.format(stats.articles) + ' articles \u00b7 ' + nf.format(stats.events) + ' events' +
        (stats.first ? ' \u00b7 ' + stats.first + ' \u2013 ' + stats.last : '');
    } catch (e) { showError(e); }
  }
  async function loadCodes() {
    try {
      const r = await api('codes');
      const dl = $('code-list');
      for (const c of r.codes) {
        codes.set(c.code, c);
        dl.append(el('option', { value: c.code, label: c.code + ' ' + (c.label || '') }));
      }
    } catch (e) { /* labels come with the events anyway */ }
  }

  /* ---- timeline chart ---- */
  let chartData = null, chartSel = -1;

  function pad(n, w) { return String(n).padStart(w || 2, '0'); }
  function ymd(d) { return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()); }
  /* ISO 8601 week of a UTC date: [year, week] */
  function isoWeek(d) {
    const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
    const day = t.getUTCDay() || 7;
    t.setUTCDate(t.getUTCDate() + 4 - day);
    const y0 = new Date(Date.UTC(t.getUTCFullYear(), 0, 1));
    return [t.getUTCFullYear(), Math.ceil(((t - y0) / 86400000 + 1) / 7)];
  }
  function weekLabel(d) { const [y, w] = isoWeek(d); return y + '-W' + pad(w); }
  /* First day (UTC) of a period label, or null. */
  function periodStart(label, by) {
    let m;
    if (by === 'month' && (m = label.match(/^(\d{4})-(\d{2})$/))) return new Date(Date.UTC(+m[1], +m[2] - 1, 1));
    if (by === 'day' && (m = label.match(/^(\d{4})-(\d{2})-(\d{2})$/))) return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    if (by === 'week' && (m = label.match(/^(\d{4})-W(\d{2})$/))) {
      const jan4 = new Date(Date.UTC(+m[1], 0, 4));
      const mon = new Date(jan4);
      mon.setUTCDate(jan4.getUTCDate() - ((jan4.getUTCDay() || 7) - 1) + (+m[2] - 1) * 7);
      return mon;
    }
    return null;
  }
  function nextPeriod(d, by) {
    const n = new Date(d);
    if (by === 'month') n.setUTCMonth(n.getUTCMonth() + 1);
    else n.setUTCDate(n.getUTCDate() + (by === 'week' ? 7 : 1));
    return n;
  }
  function labelOf(d, by) {
    if (by === 'month') return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1);
    if (by === 'week') return weekLabel(d);
    return ymd(d);
  }
  /* Rows sorted by period with empty periods filled in, so the x axis is time. */
  function fillPeriods(rows, by) {
    const map = new Map(rows.map((r) => [r.period, r]));
    const starts = rows.map((r) => periodStart(r.period, by));
    if (!rows.length || starts.some((d) => !d)) return rows.slice().sort((a, b) => a.period < b.period ? -1 : 1);
    let t0 = Math.min(...starts.map(Number)), t1 = Math.max(...starts.map(Number));
    const out = [];
    for (let d = new Date(t0); d <= t1 && out.length < 5000; d = nextPeriod(d, by)) {
      const l = labelOf(d, by);
      out.push(map.get(l) || { period: l, count: 0, goldstein_sum: 0, quad_count: [0, 0, 0, 0], empty: true });
    }
    if (out.length >= 5000) return rows.slice().sort((a, b) => a.period < b.period ? -1 : 1);
    return out;
  }
  function periodRange(label, by) {
    const d = periodStart(label, by);
    if (!d) return null;
    if (by === 'month') return [label, label];
    if (by === 'day') return [label, label];
    const e = new Date(d); e.setUTCDate(e.getUTCDate() + 6);
    return [ymd(d), ymd(e)];
  }
  /* a whole-number tick step of 1, 2, 5 times a power of ten, at least x */
  function niceStep(x) {
    if (x <= 1) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(x)));
    for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
    return 10 * p;
  }
  function niceMax(x) {
    if (x <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(x)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
    return 10 * p;
  }
  function periodText(label, by) {
    const d = periodStart(label, by);
    if (by === 'month' && d) return MONTHS[d.getUTCMonth()] + ' ' + d.getUTCFullYear();
    if (by === 'week' && d) return label + ' (from ' + ymd(d) + ')';
    return label;
  }

  async function loadChart(st) {
    const box = $('chart');
    box.classList.add('busy');
    $('chart-sub').textContent = describe(st) || 'all events';
    try {
      const r = await api('timeline', Object.assign(apiFilter(st), { by: st.by }), fresh('chart'));
      chartData = { rows: fillPeriods(r.rows.map((row) => measure(row, st)), st.by), by: st.by, truncated: r.truncated,
        daily: !!st.daily, norm: !!st.norm && r.rows.some((row) => row.articles != null) };
      $('chart-unit').textContent = unitText(st);
      chartSel = -1;
      drawChart();
    } catch (e) { showError(e); } finally { box.classList.remove('busy'); }
  }

  function drawChart() {
    const box = $('chart');
    clear(box);
    $('readout').textContent = '';
    if (!chartData) return;
    const rows = chartData.rows, by = chartData.by;
    const W = Math.max(320, box.clientWidth || 800), H = 230;
    const ml = 46, mr = 12, mt = 10, gap = 26, hb = 130, hg = 44, mb = 22;
    const s = sv('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, tabindex: 0, role: 'img',
      'aria-label': rows.length ? `Timeline by ${by}: ${rows.length} periods from ${rows[0].period} to ${rows[rows.length - 1].period}. Use the arrow keys to read each period, Enter to narrow the dates to it.` : 'Timeline: no events' });
    box.append(s);
    if (!rows.length) {
      s.append(sv('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'empty' }, 'No events match these filters.'));
      return;
    }
    const n = rows.length, pw = (W - ml - mr) / n, bw = Math.max(1, Math.min(40, pw * 0.78));
    const stepC = niceStep(Math.max(...rows.map((r) => r.count)) / 4), maxC = stepC * 4;
    const maxG = niceMax(Math.max(1, ...rows.map((r) => Math.abs(r.goldstein_sum || 0))));
    const yb = (v) => mt + hb - (v / maxC) * hb;
    const g0 = mt + hb + gap + hg / 2;
    const yg = (v) => g0 - (v / maxG) * (hg / 2);
    /* grid and axes */
    const grid = sv('g', { class: 'grid' }), axis = sv('g', { class: 'axis' });
    for (let i = 0; i <= 4; i++) {
      const v = stepC * i, y = yb(v);
      grid.append(sv('line', { x1: ml, x2: W - mr, y1: y, y2: y }));
      axis.append(sv('text', { x: ml - 6, y: y + 4, 'text-anchor': 'end' }, nf.format(v)));
    }
    axis.append(sv('text', { x: ml - 6, y: g0 - hg / 2 + 8, 'text-anchor': 'end' }, '+' + nf.format(maxG)));
    axis.append(sv('text', { x: ml - 6, y: g0 + hg / 2, 'text-anchor': 'end' }, '\u2212' + nf.format(maxG)));
    s.append(grid);
    s.append(sv('text', { x: W - mr, y: g0 - hg / 2 - 4, class: 'lbl', 'text-anchor': 'end' }, 'Goldstein sum per ' + by));
    /* x labels at calendar boundaries: every month, quarter or year, whichever leaves
       room; a label that would touch the previous one is skipped */
    const perMonth = by === 'month' ? 1 : by === 'week' ? 4.35 : 30.4;
    const unit = perMonth * pw >= 48 ? 1 : 3 * perMonth * pw >= 48 ? 3 : 12;
    let lastEnd = -1e9, lastKey = null;
    for (let i = 0; i < n; i++) {
      const d = periodStart(rows[i].period, by);
      if (d && by === 'week') d.setUTCDate(d.getUTCDate() + 3);   /* an ISO week belongs where its Thursday is */
      let txt;
      if (d) {
        const y = d.getUTCFullYear(), m = d.getUTCMonth();
        const key = y * 12 + (unit === 12 ? 0 : m - (m % unit));
        if (key === lastKey) continue;
        const first = lastKey === null;
        lastKey = key;
        if (!first && by !== 'month' && d.getUTCDate() > (by === 'week' ? 7 : 1) && unit === 1) continue;
        txt = unit === 12 ? String(y) : (m === 0 || first ? MONTHS[m] + ' ' + y : MONTHS[m]);
      } else if (i % Math.max(1, Math.ceil(80 / pw)) === 0) txt = rows[i].period;
      else continue;
      const w = txt.length * 6.5, x = Math.min(W - mr - w / 2, Math.max(ml + w / 2 - 4, ml + pw * i + pw / 2));
      if (x - w / 2 > lastEnd + 8) {
        axis.append(sv('text', { x, y: H - 6, 'text-anchor': 'middle' }, txt));
        lastEnd = x + w / 2;
      }
    }
    s.append(axis);
    /* bars: conflict at the bottom (material, verbal), cooperation on top (verbal, material) */
    const bars = sv('g');
    const order = [4, 3, 1, 2];
    rows.forEach((r, i) => {
      const x = ml + pw * i + (pw - bw) / 2;
      let y = mt + hb;
      const qc = r.quad_count || [0, 0, 0, 0];
      let rest = r.count - qc.reduce((a, b) => a + b, 0);
      for (const q of order) {
        let c = qc[q - 1];
        if (q === 1 && rest > 0) c += rest;        /* rounding leftovers */
        if (c <= 0) continue;
        const h = (c / maxC) * hb;
        bars.append(sv('rect', { x, y: y - h, width: bw, height: Math.max(h, 0.5), class: 'q' + q }));
        y -= h;
      }
      const gs = r.goldstein_sum || 0;
      if (gs) {
        const y1 = yg(gs);
        bars.append(sv('rect', { x, y: Math.min(y1, g0), width: bw, height: Math.max(0.8, Math.abs(y1 - g0)), class: gs > 0 ? 'gpos' : 'gneg' }));
      }
    });
    s.append(bars);
    s.append(sv('line', { x1: ml, x2: W - mr, y1: mt + hb, y2: mt + hb, class: 'zero' }));
    s.append(sv('line', { x1: ml, x2: W - mr, y1: g0, y2: g0, class: 'zero' }));
    /* hit areas: hover and click per period */
    const hits = sv('g');
    rows.forEach((r, i) => {
      const h = sv('rect', { x: ml + pw * i, y: mt, width: pw, height: H - mt - mb + 4, class: 'hit', 'data-i': i });
      h.append(sv('title', null, readoutText(r, by)));
      hits.append(h);
    });
    s.append(hits);
    hits.addEventListener('mousemove', (e) => { const i = e.target.getAttribute('data-i'); if (i != null) selectPeriod(+i, false); });
    hits.addEventListener('click', (e) => { const i = e.target.getAttribute('data-i'); if (i != null) drillPeriod(+i); });
    s.addEventListener('mouseleave', () => selectPeriod(-1, false));
    s.addEventListener('keydown', chartKey);
    s.addEventListener('focus', () => { if (chartSel < 0) selectPeriod(lastNonEmpty(), false); });
    if (chartData.truncated) $('readout').textContent = 'Too many periods to draw them all; narrow the dates.';
  }
  function lastNonEmpty() {
    const rows = chartData.rows;
    for (let i = rows.length - 1; i >= 0; i--) if (rows[i].count) return i;
    return rows.length - 1;
  }
  /* A timeline row as the chart shows it: events or one-a-day events, as they are or
     per 100 articles of the period (the row keeps the raw numbers in raw). */
  function measure(row, st) {
    const n = st.daily ? row.count_daily : row.count;
    const k = row.count ? n / row.count : 0;
    const per = st.norm && row.articles != null ? (row.articles ? 100 / row.articles : 0) : 1;
    const qc = (row.quad_count || [0, 0, 0, 0]).map((c) => c * k * per);
    return Object.assign({}, row, { count: n * per, quad_count: qc, goldstein_sum: (row.goldstein_sum || 0) * k * per, raw: row });
  }
  function unitText(st) {
    return (st.daily ? 'one-a-day events' : 'events') + (st.norm ? ' per 100 articles' : '') + ' per ' + st.by;
  }
  const f1 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });
  function readoutText(r, by) {
    const qc = r.quad_count || [0, 0, 0, 0];
    const raw = r.raw || r;
    const what = chartData && chartData.daily ? 'one-a-day event' : 'event';
    if (!r.count) return periodText(r.period, by) + ': no ' + what + 's' + (raw.articles ? ' (' + nf.format(raw.articles) + ' articles)' : '');
    const fmt = (x) => f1.format(x);
    const head = chartData && chartData.norm
      ? f1.format(r.count) + ' ' + what + 's per 100 articles (' + nf.format(chartData.daily ? raw.count_daily : raw.count) + ' in ' + nf.format(raw.articles || 0) + ' article' + (raw.articles === 1 ? ')' : 's)')
      : nf.format(r.count) + ' ' + what + (r.count === 1 ? '' : 's');
    return periodText(r.period, by) + ': ' + head +
      ' \u2014 cooperation ' + fmt(qc[0]) + ' verbal, ' + fmt(qc[1]) + ' material; conflict ' +
      fmt(qc[2]) + ' verbal, ' + fmt(qc[3]) + ' material; Goldstein sum ' + fmtG(r.goldstein_sum);
  }
  function selectPeriod(i, announce) {
    const svgEl = $('chart').querySelector('svg');
    if (!svgEl || !chartData) return;
    const old = svgEl.querySelector('.hit.on');
    if (old) old.classList.remove('on');
    chartSel = i;
    if (i < 0 || i >= chartData.rows.length) { $('readout').textContent = ''; return; }
    const h = svgEl.querySelector('.hit[data-i="' + i + '"]');
    if (h) h.classList.add('on');
    $('readout').textContent = readoutText(chartData.rows[i], chartData.by);
    if (announce) svgEl.setAttribute('aria-label', readoutText(chartData.rows[i], chartData.by));
  }
  function drillPeriod(i) {
    const r = chartData && chartData.rows[i];
    if (!r) return;
    const rg = periodRange(r.period, chartData.by);
    if (rg) go(Object.assign({ from: rg[0], to: rg[1], page: 1 }, CLOSED));
  }
  function chartKey(e) {
    if (!chartData || !chartData.rows.length) return;
    const n = chartData.rows.length;
    let i = chartSel < 0 ? lastNonEmpty() : chartSel;
    if (e.key === 'ArrowLeft') i = Math.max(0, i - 1);
    else if (e.key === 'ArrowRight') i = Math.min(n - 1, i + 1);
    else if (e.key === 'Home') i = 0;
    else if (e.key === 'End') i = n - 1;
    else if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); drillPeriod(i); return; }
    else return;
    e.preventDefault();
    selectPeriod(i, true);
  }

  /* ---- most active dyads ---- */
  function dyadList(ol, dyads, st) {
    clear(ol);
    if (!dyads.length) { ol.append(el('li', { class: 'none', text: 'No dyads.' })); return; }
    for (const d of dyads) {
      learn(d.a, d.a_name); learn(d.b, d.b_name);
      const key = d.a + ',' + d.b;
      const on = st.dyad && (st.dyad === key || st.dyad === d.b + ',' + d.a);
      const mix = el('span', { class: 'mix', 'aria-hidden': 'true' });
      for (const q of [2, 1, 3, 4]) {
        const c = d.quad_count[q - 1];
        if (c > 0) { const seg = el('span', { class: 'q' + q }); seg.style.flexGrow = String(c); mix.append(seg); }
      }
      const conflict = d.quad_count[2] + d.quad_count[3];
      const btn = el('button', {
        type: 'button', class: 'dyad-btn', 'aria-current': on ? 'true' : null,
        title: `${d.a} \u2194 ${d.b}. ${d.a_name || d.a} \u2192 ${d.b_name || d.b}: ${d.a_to_b}, ${d.b_name || d.b} \u2192 ${d.a_name || d.a}: ${d.b_to_a}; Goldstein sum ${fmtG(d.goldstein_sum)}; ${d.first} \u2013 ${d.last}`,
        onclick: () => go(Object.assign({ dyad: key, actor: '', page: 1 }, CLOSED)),
      },
      el('span', { class: 'dyad-name', text: (d.a_name || d.a) + ' \u2194 ' + (d.b_name || d.b) }),
      el('span', { class: 'dyad-n', text: nf.format(d.count) }),
      mix,
      el('span', { class: 'dyad-more', text: Math.round((100 * conflict) / Math.max(1, d.count)) + '% conflict \u00b7 Goldstein sum ' + fmtG(d.goldstein_sum) }));
      ol.append(el('li', null, btn));
    }
  }
  async function loadDyads(st) {
    const f = apiFilter(st);
    delete f.dyad;
    const sig = fresh('dyads');
    try {
      withNames(st, f);
      const all = await api('dyads', Object.assign({}, f, { limit: 8 }), sig);
      dyadList($('dyads'), all.dyads, st);
      /* the latest month of the archive, when no dates are chosen: what is happening now */
      const last = stats && stats.last ? stats.last.slice(0, 7) : '';
      const showLatest = !st.from && !st.to && last;
      $('dyads-latest-wrap').hidden = !showLatest;
      $('dyads-all-h').textContent = showLatest ? 'All dates' : 'In the chosen dates';
      if (showLatest) {
        $('dyads-latest-h').textContent = 'Latest month: ' + periodText(last, 'month');
        const lm = await api('dyads', Object.assign({}, f, { from: last, to: last, limit: 5 }), sig);
        dyadList($('dyads-latest'), lm.dyads, st);
        if (!lm.dyads.length) $('dyads-latest-wrap').hidden = true;
      }
    } catch (e) { showError(e); }
  }

  /* ---- full-text hits ---- */
  /* A snippet with [matches] in brackets as text nodes and <mark>s. */
  function snippetNodes(s) {
    const out = [];
    const re = /\[([^\]]*)\]/g;
    let pos = 0, m;
    while ((m = re.exec(s))) {
      if (m.index > pos) out.push(document.createTextNode(s.slice(pos, m.index)));
      out.push(el('mark', { text: m[1] }));
      pos = m.index + m[0].length;
    }
    if (pos < s.length) out.push(document.createTextNode(s.slice(pos)));
    return out;
  }
  async function loadHits(st) {
    const sec = $('hits-sec');
    if (!st.q) { sec.hidden = true; return; }
    try {
      const f = apiFilter(st);
      delete f.text;
      const r = await api('search', Object.assign(f, { q: st.q, limit: 10 }), fresh('hits'));
      sec.hidden = false;
      $('hits-h').textContent = 'Articles matching \u201c' + st.q + '\u201d';
      $('hits-sub').textContent = nf.format(r.total) + ' article' + (r.total === 1 ? '' : 's') + (r.total > r.results.length ? ', best ' + r.results.length + ' shown' : '');
      const ol = $('hits');
      clear(ol);
      for (const h of r.results) {
        const a = el('a', { href: hrefFor(Object.assign({}, CLOSED, { article: h.id })), text: h.title || h.id });
        a.addEventListener('click', (e) => { if (plainClick(e)) { e.preventDefault(); go(Object.assign({}, CLOSED, { article: h.id })); } });
        ol.append(el('li', null, a,
          el('span', { class: 'meta', text: h.date + ' \u00b7 ' + (h.lang || '') + ' \u00b7 ' + h.id }),
          el('span', { class: 'snip' }, ...snippetNodes(h.snippet || ''))));
      }
      if (!r.results.length) ol.append(el('li', { class: 'none', text: 'No article matches.' }));
    } catch (e) {
      sec.hidden = false;
      clear($('hits'));
      $('hits-sub').textContent = '';
      showError(e);
    }
  }
  function plainClick(e) { return !(e.ctrlKey || e.metaKey || e.shiftKey || e.altKey || e.button); }

  /* ---- event table ---- */
  let evRows = [], evTotal = null;
  async function loadEvents(st) {
    const tb = $('ev-body');
    $('ev-table').classList.add('busy');
    try {
      const r = await api('events', withNames(st, Object.assign(apiFilter(st), { limit: PAGE, offset: (st.page - 1) * PAGE, order: st.sort === 'old' ? 'asc' : 'desc', one_a_day: st.daily ? 1 : '' })), fresh('events'));
      for (const e of r.events) { learn(e.source, e.source_name); learn(e.target, e.target_name); }
      $('sort-arrow').textContent = st.sort === 'old' ? '\u2191' : '\u2193';
      $('th-date').setAttribute('aria-sort', st.sort === 'old' ? 'ascending' : 'descending');
      $('sort').title = st.sort === 'old' ? 'Oldest first; click for newest first' : 'Newest first; click for oldest first';
      evRows = r.events;
      clear(tb);
      const pages = Math.max(1, Math.ceil(r.total / PAGE));
      if (!r.events.length) {
        tb.append(el('tr', { class: 'empty-row' }, el('td', { colspan: 6, text: r.total ? 'No events on this page; go back a page.' : 'No events match these filters. Try fewer filters, or a wider date range.' })));
      }
      for (const e of r.events) tb.append(eventRow(e));
      const first = r.total ? (st.page - 1) * PAGE + 1 : 0, last = Math.min(r.total, (st.page - 1) * PAGE + r.events.length);
      evTotal = r.total;
      $('ev-sub').textContent = nf.format(r.total) + ' event' + (r.total === 1 ? '' : 's') + (describe(st) ? ' \u00b7 ' + describe(st) : '');
      updateDownload(st);
      $('pageinfo').textContent = r.total ? `${nf.format(first)}\u2013${nf.format(last)} of ${nf.format(r.total)} \u00b7 page ${nf.format(st.page)} of ${nf.format(pages)}` : '';
      $('prev').disabled = st.page <= 1;
      $('next').disabled = st.page >= pages;
      markSelected(st);
    } catch (e) {
      showError(e);
    } finally { $('ev-table').classList.remove('busy'); }
  }
  /* an actor: its name, the code and the words of the text in the tooltip */
  function actorCell(code, name, text) {
    const tip = code ? (name && name !== code ? name + ' (' + code + ')' : code) + (text ? ': \u201c' + text + '\u201d in the text' : '') : '';
    return el('td', { title: tip, 'data-code': code || '' }, el('span', { class: 'actor', text: name || code || '\u2014' }));
  }
  function eventRow(e) {
    const label = codeLabel(e.code, e.label);
    const open = { article: e.doc, s: e.sentence, ev: e.id };
    const link = el('a', { href: hrefFor(open), text: e.text || e.verb_text || '(no text)', 'data-ev': e.id,
      'aria-label': `${e.date}: ${e.source_name || e.source} ${label || e.code} ${e.target_name || e.target}. Open the article` });
    const tr = el('tr', { 'data-ev': e.id },
      el('td', { text: e.date }),
      actorCell(e.source, e.source_name, e.source_text),
      el('td', { title: `${e.code} ${label} \u2014 ${QUAD[e.quad] || ''}` },
        el('span', { class: 'qdot q' + e.quad, 'aria-hidden': 'true' }),
        el('span', { class: 'code', text: e.code }), label),
      actorCell(e.target, e.target_name, e.target_text),
      el('td', { class: 'num ' + gClass(e.goldstein), text: fmtG(e.goldstein) }),
      el('td', { class: 'ev-text', title: e.text || '' }, link));
    const openIt = (ev) => {
      if (!plainClick(ev)) return;
      ev.preventDefault();
      lastLink = e.id;
      go(open);
    };
    link.addEventListener('click', openIt);
    tr.addEventListener('click', (ev) => { if (ev.target !== link) openIt(ev); });
    return tr;
  }
  let lastLink = null;
  function markSelected(st) {
    for (const tr of $('ev-body').querySelectorAll('tr.sel')) tr.classList.remove('sel');
    if (st.ev) {
      const tr = $('ev-body').querySelector('tr[data-ev="' + CSS.escape(st.ev) + '"]');
      if (tr) tr.classList.add('sel');
    }
  }
  /* Up/Down move between the rows' links. */
  function tableKey(e) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const links = [...$('ev-body').querySelectorAll('a[data-ev]')];
    const i = links.indexOf(document.activeElement);
    if (i < 0) return;
    e.preventDefault();
    const j = e.key === 'ArrowDown' ? Math.min(links.length - 1, i + 1) : Math.max(0, i - 1);
    links[j].focus();
  }

  /* ---- article ---- */
  /* Text with the first occurrence of each phrase wrapped in a span (text nodes only). */
  function phraseNodes(text, phrases) {
    const low = text.toLowerCase();
    const hits = [];
    if (low.length === text.length) {
      for (const [ph, cls] of phrases) {
        if (!ph || ph.length < 2) continue;
        const i = low.indexOf(ph.toLowerCase());
        if (i >= 0) hits.push([i, i + ph.length, cls]);
      }
    }
    hits.sort((a, b) => a[0] - b[0]);
    const out = [];
    let pos = 0;
    for (const [a, b, cls] of hits) {
      if (a < pos) continue;
      if (a > pos) out.push(document.createTextNode(text.slice(pos, a)));
      out.push(el('span', { class: cls, text: text.slice(a, b) }));
      pos = b;
    }
    if (pos < text.length) out.push(document.createTextNode(text.slice(pos)));
    return out;
  }
  let artCache = null;
  async function loadArticle(st, prev) {
    const sec = $('article');
    if (!st.article) {
      const wasOpen = !sec.hidden;
      sec.hidden = true;
      if (wasOpen && prev && prev.ev) {
        const a = $('ev-body').querySelector('a[data-ev="' + CSS.escape(prev.ev) + '"]');
        if (a) a.focus();
      }
      return;
    }
    try {
      let art = artCache && artCache.id === st.article ? artCache : null;
      if (!art || art.names !== (st.names || 'en')) {
        art = artCache = await api('article/' + encodeURIComponent(st.article), withNames(st, {}), fresh('article'));
        art.names = st.names || 'en';
      }
      showArticle(art, st);
      const moveFocus = !prev || prev.article !== st.article || document.activeElement === document.body ||
        (document.activeElement && document.activeElement.closest && document.activeElement.closest('#ev-body'));
      if (moveFocus) $('art-title').focus({ preventScroll: true });
    } catch (e) {
      if (e.name === 'AbortError') return;
      sec.hidden = false;
      $('art-title').textContent = 'Article not available';
      $('art-meta').textContent = String(e.message || e);
      clear($('art-event')); clear($('art-body')); clear($('art-events'));
    }
  }
  function showArticle(art, st) {
    const sec = $('article');
    sec.hidden = false;
    /* the article's title; without one, its first sentence */
    const firstSentence = ((art.parts || []).find((p) => p.n) || { t: '' }).t.trim();
    const short = firstSentence.length > 110 ? firstSentence.slice(0, 105).replace(/\s+\S*$/, '') + '\u2026' : firstSentence;
    const title = art.title || short || art.id;
    $('art-title').textContent = title;
    $('art-title').title = art.title ? '' : 'No title: the first sentence';
    document.title = title + ' \u2014 kroniek';
    const meta = $('art-meta');
    clear(meta);
    meta.append([art.date, art.lang === 'nl' ? 'Dutch' : art.lang === 'en' ? 'English' : art.lang, art.source, art.id].filter(Boolean).join(' \u00b7 '));
    if (art.url && /^https?:\/\//i.test(art.url)) {
      meta.append(' \u00b7 ', el('a', { href: art.url, rel: 'noopener noreferrer', target: '_blank', text: 'original' }));
    }
    const sel = st.ev ? art.events.find((e) => String(e.id) === st.ev) : null;
    const sn = parseInt(st.s, 10) || (sel ? sel.sentence : 0);
    /* the event being shown */
    const box = $('art-event');
    clear(box);
    box.className = 'art-event' + (sel ? ' q' + sel.quad : '');
    if (sel) {
      const label = codeLabel(sel.code, sel.label);
      box.append(el('div', { class: 'line1', title: `${sel.source} \u2192 ${sel.code} \u2192 ${sel.target}` }, `${sel.source_name || sel.source} \u2192 ${label || sel.code} \u2192 ${sel.target_name || sel.target}`),
        el('div', { class: 'line2' }, `${QUAD[sel.quad] || ''} \u00b7 Goldstein ${fmtG(sel.goldstein)} \u00b7 sentence ${sel.sentence}` +
          (sel.verb_text ? ` \u00b7 \u201c${sel.verb_text}\u201d` : '')));
    }
    box.hidden = !sel;
    /* the text, sentence by sentence */
    const body = $('art-body');
    clear(body);
    let marked = null;
    for (const p of art.parts || [{ t: art.text }]) {
      if (p.n && p.n === sn) {
        const phrases = sel ? [[sel.source_text, 's-actor'], [sel.verb_text, 's-verb'], [sel.target_text, 's-actor']] : [];
        marked = el('mark', { class: 'evidence', id: 'evidence', title: 'evidence sentence ' + p.n }, ...phraseNodes(p.t, phrases));
        body.append(marked);
      } else body.append(p.n ? el('span', { 'data-n': p.n, text: p.t }) : document.createTextNode(p.t));
    }
    /* bring the evidence into view: scroll the side column (or the page when the
       layout is one column) so that the sentence sits a third of the way down */
    const side = sec.closest('.side');
    const sideScrolls = side && getComputedStyle(side).overflowY !== 'visible' && side.scrollHeight > side.clientHeight;
    if (marked && sideScrolls) {
      const top = marked.getBoundingClientRect().top - side.getBoundingClientRect().top + side.scrollTop;
      const head = sec.querySelector('.art-top').offsetHeight;
      side.scrollTop = Math.max(0, top - head - (side.clientHeight - head) / 3);
    } else if (marked) marked.scrollIntoView({ block: 'center' });
    else if (side) side.scrollTop = 0;
    /* the article's events */
    const ol = $('art-events');
    clear(ol);
    for (const e of art.events || []) {
      const target = { article: art.id, s: e.sentence, ev: e.id };
      const a = el('a', { href: hrefFor(target), title: `${e.source} ${e.code} ${e.target}` }, `${e.source_name || e.source} \u2192 ${codeLabel(e.code, e.label) || e.code} \u2192 ${e.target_name || e.target}`);
      a.addEventListener('click', (ev) => { if (plainClick(ev)) { ev.preventDefault(); go(target, true); } });
      ol.append(el('li', { class: sel && sel.id === e.id ? 'cur' : null, title: 'sentence ' + e.sentence }, a));
    }
    if (!(art.events || []).length) ol.append(el('li', { class: 'none', text: 'No events were coded from this article.' }));
  }

  /* ---- comparison: several actors or dyads on one chart; a dyad's two directions ----
     cmp in the URL: items separated by spaces, each an actor (RUS), a dyad either
     direction (RUS-USA) or one direction (RUS>USA). */
  const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#3d3d3d', '#8c564b'];
  const RE_ITEM = /^([A-Z0-9]{1,64})(?:([->])([A-Z0-9]{1,64}))?$/;
  function parseCmp(cmp) { return (cmp || '').split(/[\s,;]+/).filter((t) => RE_ITEM.test(t)).slice(0, 8); }
  function seriesOf(st) {
    const out = [];
    if (st.dyad) {
      const [a, b] = st.dyad.split(',');
      out.push({ item: a + '>' + b, fixed: true }, { item: b + '>' + a, fixed: true });
    }
    for (const it of parseCmp(st.cmp)) if (!out.some((o) => o.item === it)) out.push({ item: it });
    return out.slice(0, 8);
  }
  function itemFilter(item) {
    const [, a, op, b] = item.match(RE_ITEM);
    if (!op) return { actor: a };
    return op === '-' ? { dyad: a + ',' + b } : { source: a, target: b };
  }
  function itemText(item) {
    const [, a, op, b] = item.match(RE_ITEM);
    if (!op) return nameOf(a);
    return nameOf(a) + (op === '-' ? ' \u2194 ' : ' \u2192 ') + nameOf(b);
  }
  function itemCodes(item) { return item.replace('-', ' \u2194 ').replace('>', ' \u2192 '); }
  let cmpData = null, cmpSel = -1;
  async function loadCompare(st) {
    const series = seriesOf(st);
    const box = $('cmp-chart');
    $('cmp-sub').textContent = series.length ? unitText(st) + (describeBase(st) ? ' \u00b7 ' + describeBase(st) : '') : '';
    if (!series.length) {
      cmpData = null;
      compareEmpty();
      return;
    }
    box.classList.add('busy');
    try {
      const base = apiFilter(st);
      delete base.actor; delete base.dyad;
      const sig = fresh('cmp');
      const codes = new Set();
      for (const s0 of series) for (const c of s0.item.split(/[->]/)) codes.add(c);
      await learnNames([...codes], st);
      const answers = await Promise.all(series.map((s0) => api('timeline', Object.assign({}, base, itemFilter(s0.item), { by: st.by }), sig)));
      const union = new Map();
      answers.forEach((a) => { for (const r of a.rows) union.set(r.period, { period: r.period }); });
      const periods = fillPeriods([...union.values()], st.by).map((r) => r.period);
      cmpData = {
        by: st.by, periods, norm: !!st.norm, daily: !!st.daily,
        series: series.map((s0, i) => {
          const m = new Map(answers[i].rows.map((r) => [r.period, measure(r, st)]));
          return { item: s0.item, fixed: s0.fixed, color: PALETTE[i % PALETTE.length], label: itemText(s0.item),
            values: periods.map((p) => (m.get(p) ? m.get(p).count : 0)), total: answers[i].rows.reduce((t, r) => t + (st.daily ? r.count_daily : r.count), 0) };
        }),
      };
      cmpSel = -1;
      drawCompare();
    } catch (e) { showError(e); } finally { box.classList.remove('busy'); }
  }
  /* no series yet: say how to add them, and offer the most active countries of the map */
  let topCountries = [];
  function compareEmpty() {
    if (cmpData || !cur || seriesOf(cur).length) return;
    const box = $('cmp-chart');
    clear(box);
    clear($('cmp-legend'));
    const wrap = el('div', { class: 'cmp-empty' },
      el('p', { class: 'hint', text: 'Add actors or dyads below to compare them on one chart; with a dyad filter its two directions are shown here.' }));
    if (topCountries.length > 1) {
      const items = topCountries.slice(0, 4);
      wrap.append(el('button', { type: 'button', class: 'secondary', id: 'cmp-top',
        onclick: () => go({ cmp: items.map((c) => c.code).join(' ') }) }, 'Compare ' + items.map((c) => c.name || c.code).join(', ')));
    }
    box.append(wrap);
  }
  /* the filters other than actor and dyad (the series set those) */
  function describeBase(st) { return describe(Object.assign({}, st, { actor: '', dyad: '', daily: '' })); }
  async function learnNames(codes, st) {
    const missing = codes.filter((c) => !names.has(c));
    await Promise.all(missing.map(async (c) => {
      try {
        const r = await api('actors', withNames(st, { prefix: c, limit: 1 }));
        if (r.actors[0] && r.actors[0].code === c) learn(c, r.actors[0].name);
      } catch (e) { /* the code stays */ }
    }));
  }
  function drawCompare() {
    const box = $('cmp-chart');
    clear(box);
    const leg = $('cmp-legend');
    clear(leg);
    if (!cmpData) return;
    const { periods, series, by } = cmpData;
    const W = Math.max(300, box.clientWidth || 500), H = 210, ml = 40, mr = 10, mt = 10, mb = 22, hb = H - mt - mb;
    const n = periods.length, pw = (W - ml - mr) / Math.max(1, n);
    const max = Math.max(0, ...series.map((s0) => Math.max(0, ...s0.values)));
    const step = max <= 4 && !cmpData.norm ? 1 : niceMax(max / 4), maxV = Math.max(step * 4, step * Math.ceil(max / step));
    const y = (v) => mt + hb - (v / maxV) * hb;
    const x = (i) => ml + pw * i + pw / 2;
    const s = sv('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, tabindex: 0, role: 'img',
      'aria-label': 'Comparison by ' + by + ': ' + series.map((s0) => s0.label + ' ' + nf.format(s0.total)).join(', ') + '. Arrow keys read each period.' });
    box.append(s);
    const grid = sv('g', { class: 'grid' }), axis = sv('g', { class: 'axis' });
    for (let v = 0; v <= maxV + 1e-9; v += maxV / 4) {
      grid.append(sv('line', { x1: ml, x2: W - mr, y1: y(v), y2: y(v) }));
      axis.append(sv('text', { x: ml - 6, y: y(v) + 4, 'text-anchor': 'end' }, f1.format(v)));
    }
    s.append(grid);
    /* x labels: about one per 70 px */
    const every = Math.max(1, Math.ceil(70 / pw));
    for (let i = 0; i < n; i += every) {
      const d = periodStart(periods[i], by);
      const txt = d ? (by === 'month' ? MONTHS[d.getUTCMonth()] + ' ' + String(d.getUTCFullYear()).slice(2) : ymd(d).slice(5)) : periods[i];
      axis.append(sv('text', { x: Math.min(W - mr - 16, Math.max(ml + 14, x(i))), y: H - 6, 'text-anchor': 'middle' }, txt));
    }
    s.append(axis);
    s.append(sv('line', { x1: ml, x2: W - mr, y1: y(0), y2: y(0), class: 'zero' }));
    series.forEach((s0, k) => {
      const pts = s0.values.map((v, i) => x(i).toFixed(1) + ',' + y(v).toFixed(1));
      const g = sv('g', { class: 'series', 'data-k': k });
      /* earlier series wider, so that a line drawn over an equal one leaves it visible */
      g.append(sv('polyline', { points: pts.join(' '), fill: 'none', stroke: s0.color, 'stroke-width': Math.min(3.6, 2 + 0.6 * (series.length - 1 - k)), 'stroke-linejoin': 'round',
        'stroke-dasharray': k % 2 && s0.fixed ? '6 3' : '' }));
      if (n <= 60) s0.values.forEach((v, i) => { if (v) g.append(sv('circle', { cx: x(i), cy: y(v), r: 2.8, fill: s0.color })); });
      s.append(g);
    });
    const hits = sv('g');
    periods.forEach((p, i) => {
      const h = sv('rect', { x: ml + pw * i, y: mt, width: pw, height: hb, class: 'hit', 'data-i': i });
      h.append(sv('title', null, cmpText(i)));
      hits.append(h);
    });
    s.append(hits);
    hits.addEventListener('mousemove', (e) => { const i = e.target.getAttribute('data-i'); if (i != null) cmpPick(+i); });
    s.addEventListener('mouseleave', () => cmpPick(-1));
    s.addEventListener('keydown', (e) => {
      let i = cmpSel < 0 ? n - 1 : cmpSel;
      if (e.key === 'ArrowLeft') i = Math.max(0, i - 1);
      else if (e.key === 'ArrowRight') i = Math.min(n - 1, i + 1);
      else return;
      e.preventDefault();
      cmpPick(i);
    });
    for (const s0 of series) {
      const li = el('li', { title: itemCodes(s0.item) + ': ' + nf.format(s0.total) + (cmpData.daily ? ' one-a-day events' : ' events') },
        el('span', { class: 'line-sw' + (s0.fixed && series.indexOf(s0) % 2 ? ' dashed' : '') }), s0.label,
        el('span', { class: 'n', text: nf.format(s0.total) }));
      li.firstChild.style.borderColor = s0.color;
      if (!s0.fixed) li.append(el('button', { type: 'button', class: 'icon rm', 'aria-label': 'Remove ' + s0.label, title: 'Remove',
        onclick: () => go({ cmp: parseCmp(cur.cmp).filter((t) => t !== s0.item).join(' ') }) }, '\u00d7'));
      leg.append(li);
    }
  }
  function cmpText(i) {
    if (!cmpData || i < 0) return '';
    const unit = cmpData.norm ? ' per 100 articles' : '';
    return periodText(cmpData.periods[i], cmpData.by) + ': ' + cmpData.series.map((s0) => s0.label + ' ' + f1.format(s0.values[i])).join(' \u00b7 ') + unit;
  }
  function cmpPick(i) {
    const svgEl = $('cmp-chart').querySelector('svg');
    if (!svgEl) return;
    const old = svgEl.querySelector('.hit.on');
    if (old) old.classList.remove('on');
    cmpSel = i;
    const h = i >= 0 ? svgEl.querySelector('.hit[data-i="' + i + '"]') : null;
    if (h) h.classList.add('on');
    $('cmp-readout').textContent = cmpText(i);
  }
  /* A code as typed (RUS, NLDGOV) when the archive has it, else the most active actor
     whose code or name starts a word with it (Rusland, russia, NAVO, rus). */
  async function resolveCode(raw) {
    try {
      if (RE_CODE_TYPED.test(raw) && (await api('actors', { prefix: raw, limit: 1 })).actors.length) return raw;
    } catch (e) { /* a look-up by name below */ }
    try {
      const r = await api('actors', withNames(cur, { q: raw, limit: 1 }));
      if (r.actors.length) { learn(r.actors[0].code, r.actors[0].name); return r.actors[0].code; }
    } catch (e) { /* below */ }
    return RE_ACTOR.test(raw) ? raw.toUpperCase() : null;
  }
  async function onCompareAdd(ev) {
    ev.preventDefault();
    const raw = $('cmp-in').value.trim();
    $('cmp-err').hidden = true;
    if (!raw) return;
    const m = raw.match(/^(.+?)\s*(<->|\u2194|->|\u2192|>|-|,)\s*(.+)$/);
    const parts = m ? [m[1], m[3]] : [raw];
    const codes = [];
    for (const p of parts) {
      const c = await resolveCode(p.trim());
      if (!c) { $('cmp-err').textContent = 'No actor is called \u201c' + p.trim() + '\u201d.'; $('cmp-err').hidden = false; return; }
      codes.push(c);
    }
    const op = m ? (/>|\u2192/.test(m[2]) && !/<->|\u2194/.test(m[2]) ? '>' : '-') : '';
    const item = codes.join(op);
    const items = parseCmp(cur.cmp);
    if (!items.includes(item)) items.push(item);
    $('cmp-in').value = '';
    go({ cmp: items.slice(-8).join(' ') });
  }

  /* ---- map: events per country (the first three letters of an actor's code) ---- */
  const MAP_COLORS = ['#e2e5e9', '#b5cfe8', '#7fadd6', '#4a86c0', '#1f5c9c', '#0b3a6e'];
  let world = null, worldP = null;
  function loadWorld() {
    if (!worldP) worldP = fetch('countries.json').then((r) => { if (!r.ok) throw new Error('map outlines: HTTP ' + r.status); return r.json(); }).then((w) => (world = w));
    return worldP;
  }
  async function loadMap(st) {
    const box = $('map');
    box.classList.add('busy');
    try {
      const [w, r] = await Promise.all([loadWorld(), api('countries', withNames(st, apiFilter(st)), fresh('map'))]);
      for (const c of r.countries) learn(c.code, c.name);
      drawMap(w, r.countries, st);
    } catch (e) { showError(e); } finally { box.classList.remove('busy'); }
  }
  function drawMap(w, countries, st) {
    const box = $('map');
    clear(box);
    const by = new Map(countries.map((c) => [c.code, c]));
    const shapes = new Set(w.countries.map((c) => c.id));
    const onMap = countries.filter((c) => shapes.has(c.code));
    topCountries = onMap;
    compareEmpty();
    const max = Math.max(0, ...onMap.map((c) => c.events));
    const cls = (n) => (n <= 0 || max <= 0 ? 0 : Math.max(1, Math.ceil((Math.log(1 + n) / Math.log(1 + max)) * 5)));
    const sel = st.actor ? st.actor.slice(0, 3) : '';
    const s = sv('svg', { viewBox: `0 0 ${w.width} ${w.height}`, role: 'img', class: 'world',
      'aria-label': 'Map of events per country: ' + onMap.slice(0, 5).map((c) => c.name + ' ' + nf.format(c.events)).join(', ') });
    const gl = sv('g');
    for (const c of w.countries) {
      const d = by.get(c.id), n = d ? d.events : 0;
      const name = (d && d.name) || nameOf(c.id) || c.name;
      const p = sv('path', { d: c.d, fill: MAP_COLORS[cls(n)], class: 'ctry' + (n ? ' has' : '') + (c.id === sel ? ' on' : ''), 'data-code': c.id });
      p.append(sv('title', null, name + ' (' + c.id + '): ' + (n ? nf.format(n) + ' event' + (n === 1 ? '' : 's') + ' \u2014 as source ' + nf.format(d.as_source) + ', as target ' + nf.format(d.as_target) : 'no events')));
      gl.append(p);
    }
    s.append(gl);
    /* the chosen country on top, so its outline is not hidden by its neighbours */
    for (const p of [...gl.querySelectorAll('path.on')]) gl.append(p);
    box.append(s);
    gl.addEventListener('click', (e) => {
      const code = e.target.getAttribute && e.target.getAttribute('data-code');
      if (code && by.has(code)) go(Object.assign({ actor: st.actor === code ? '' : code, dyad: '', page: 1 }, CLOSED));
    });
    gl.addEventListener('mousemove', (e) => {
      const code = e.target.getAttribute && e.target.getAttribute('data-code');
      const d = code && by.get(code);
      $('map-readout').textContent = code ? nameCode(code) + ': ' + (d ? nf.format(d.events) + ' events; click to filter' : 'no events') : '';
    });
    s.addEventListener('mouseleave', () => { $('map-readout').textContent = ''; });
    /* legend: the colour classes */
    const leg = $('map-legend');
    clear(leg);
    if (max > 0) {
      let lo = 1;
      for (let k = 1; k <= 5; k++) {
        const hi = Math.floor(Math.exp((k / 5) * Math.log(1 + max)) - 1 + 1e-9);
        if (hi < lo) continue;
        const sw = el('span', { class: 'msw' });
        sw.style.background = MAP_COLORS[k];
        leg.append(el('li', null, sw, lo === hi ? nf.format(lo) : nf.format(lo) + '\u2013' + nf.format(hi)));
        lo = hi + 1;
      }
    }
    /* the most active countries as buttons (keyboard), and what is not on the map */
    const ol = $('map-top');
    clear(ol);
    for (const c of onMap.slice(0, 8)) {
      ol.append(el('li', null, el('button', { type: 'button', class: 'ctry-btn', 'aria-current': c.code === sel ? 'true' : null,
        title: c.code + ': ' + nf.format(c.as_source) + ' as source, ' + nf.format(c.as_target) + ' as target. Filter by it',
        onclick: () => go(Object.assign({ actor: st.actor === c.code ? '' : c.code, dyad: '', page: 1 }, CLOSED)) },
      el('span', { text: c.name || c.code }), el('span', { class: 'n', text: nf.format(c.events) }))));
    }
    if (!onMap.length) ol.append(el('li', { class: 'none', text: 'No events with a country.' }));
    const off = countries.filter((c) => !shapes.has(c.code)).slice(0, 4);
    $('map-note').textContent = off.length ? 'Not countries: ' + off.map((c) => (c.name || c.code) + ' ' + nf.format(c.events)).join(', ') : '';
    $('map-note').title = off.map((c) => c.code).join(', ');
  }

  /* ---- download of the current selection ---- */
  function exportURL(st, format) {
    const p = withNames(st, apiFilter(st));
    if (st.daily) p.one_a_day = 1;
    p.format = format;
    if (format === 'gdelt') p.header = 1;
    return 'api/export?' + new URLSearchParams(p).toString();
  }
  function updateDownload(st) {
    if (!st) return;
    for (const [id, fmt] of [['dl-csv', 'csv'], ['dl-jsonl', 'jsonl'], ['dl-gdelt', 'gdelt']]) $(id).href = exportURL(st, fmt);
    const d = describe(st);
    $('dl-what').textContent = (evTotal != null ? nf.format(Math.min(evTotal, 200000)) + (st.daily ? ' one-a-day' : '') + ' event' + (evTotal === 1 ? '' : 's') : 'The events') +
      (d ? ': ' + d : ', all of the archive') + (evTotal > 200000 ? ' (the first 200,000)' : '');
  }

  /* ---- wiring ---- */
  function init() {
    $('filters').addEventListener('submit', onSubmit);
    $('reset').addEventListener('click', () => go({ q: '', actor: '', dyad: '', code: '', quad: '', from: '', to: '', lang: '', by: 'month', sort: '', page: 1, article: '', s: '', ev: '', daily: '', norm: '', cmp: '' }));
    for (const r of document.querySelectorAll('input[name=by]')) r.addEventListener('change', () => go({ by: r.value }, true));
    $('o-daily').addEventListener('change', () => go({ daily: $('o-daily').checked ? '1' : '', page: 1 }, true));
    $('o-norm').addEventListener('change', () => go({ norm: $('o-norm').checked ? '1' : '' }, true));
    $('o-names').addEventListener('change', () => go({ names: $('o-names').value === 'nl' ? 'nl' : '' }, true));
    $('cmp-form').addEventListener('submit', onCompareAdd);
    $('cmp-in').addEventListener('input', suggestActors);
    document.addEventListener('click', (e) => { const dl = $('dl'); if (dl.open && !dl.contains(e.target)) dl.open = false; });
    for (const id of ['f-actor', 'f-da', 'f-db']) $(id).addEventListener('input', suggestActors);
    $('prev').addEventListener('click', () => { go({ page: Math.max(1, cur.page - 1) }); $('events-h').focus(); });
    $('next').addEventListener('click', () => { go({ page: cur.page + 1 }); $('events-h').focus(); });
    $('art-close').addEventListener('click', () => go(CLOSED));
    $('sort').addEventListener('click', () => go({ sort: cur.sort === 'old' ? '' : 'old', page: 1 }));
    $('ev-body').addEventListener('keydown', tableKey);
    $('home').addEventListener('click', (e) => { if (plainClick(e)) { e.preventDefault(); $('reset').click(); } });
    document.addEventListener('keydown', (e) => {
      const t = e.target, typing = t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');
      if (e.key === '/' && !typing) { e.preventDefault(); $('f-q').focus(); $('f-q').select(); }
      else if (e.key === 'Escape' && cur && cur.article && !typing) { e.preventDefault(); go(CLOSED); }
    });
    window.addEventListener('popstate', render);
    let rt = 0;
    window.addEventListener('resize', () => { clearTimeout(rt); rt = setTimeout(() => { drawChart(); drawCompare(); }, 120); });
    loadCodes();
    loadStats().then(render);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
