/*
 * make.js -- web/countries.json, the outlines of the page's map, from Natural Earth
 * 1:110m countries (npm world-atlas 2.0.2, public domain) via topojson-client; ISO 3166
 * numeric ids to the alpha-3 codes kroniek's dictionaries use (i18n-iso-countries;
 * Kosovo is KSV as in data/en/states.actors).  Equal Earth projection, Antarctica left
 * out, coordinates in a 1000-wide box rounded to 0.1 and written as relative SVG path
 * commands.  Run by `make web/countries.json` (only when the file is missing):
 *   cd tools/worldmap && npm install && node make.js > ../../web/countries.json
 */
'use strict';
const topo = require('world-atlas/countries-110m.json');
const { feature } = require('topojson-client');
const iso = require('i18n-iso-countries');

const BY_NAME = { Kosovo: 'KSV', 'N. Cyprus': 'CYP', Somaliland: 'SOM' };
const A1 = 1.340264, A2 = -0.081106, A3 = 0.000893, A4 = 0.003796, M = Math.sqrt(3) / 2;
function equalEarth(lon, lat) {
  const l = (lon * Math.PI) / 180, p = (lat * Math.PI) / 180;
  const t = Math.asin(M * Math.sin(p)), t2 = t * t, t6 = t2 * t2 * t2;
  const x = (l * Math.cos(t)) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)));
  const y = t * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
  return [x, y];
}
const [xmax] = equalEarth(180, 0);
const [, ytop] = equalEarth(0, 84);
const [, ybot] = equalEarth(0, -57);
const W = 1000, S = W / (2 * xmax), H = Math.round((ytop - ybot) * S);
const proj = (lon, lat) => { const [x, y] = equalEarth(lon, lat); return [(x + xmax) * S, (ytop - y) * S]; };
const r1 = (v) => Math.round(v * 10) / 10;
const num = (v) => { const s = String(r1(v)); return s.replace(/^(-?)0\./, '$1.'); };

/* A ring that crosses the antimeridian (Russia's Chukotka, Fiji, the Aleutians) is moved
   to the side where most of it lies and cut at 180 degrees. */
function unwrap(coords) {
  let cross = false;
  for (let i = 1; i < coords.length; i++) if (Math.abs(coords[i][0] - coords[i - 1][0]) > 180) cross = true;
  if (!cross) return coords;
  const east = coords.filter(([lon]) => lon > 0).length >= coords.length / 2;
  return coords.map(([lon, lat]) => {
    let l = east ? (lon < 0 ? lon + 360 : lon) : (lon > 0 ? lon - 360 : lon);
    return [Math.max(-180, Math.min(180, l)), lat];
  });
}

function ring(coords) {
  let out = '', px = 0, py = 0, first = true, n = 0;
  for (const [lon, lat] of unwrap(coords)) {
    let [x, y] = proj(lon, lat);
    x = Math.round(x * 10); y = Math.round(y * 10);
    if (first) { out += 'M' + num(x / 10) + ' ' + num(y / 10); first = false; px = x; py = y; n++; continue; }
    const dx = x - px, dy = y - py;
    if (!dx && !dy) continue;
    out += (n === 1 ? 'l' : ' ') + num(dx / 10) + (dy < 0 ? '' : ' ') + num(dy / 10);
    px = x; py = y; n++;
  }
  return n > 2 ? out + 'z' : '';
}

const out = [];
for (const f of feature(topo, topo.objects.countries).features) {
  const name = f.properties.name;
  if (name === 'Antarctica') continue;
  const code = (f.id && iso.numericToAlpha3(f.id)) || BY_NAME[name];
  if (!code) { process.stderr.write('make.js: no code for ' + name + ' (' + f.id + ')\n'); continue; }
  const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
  let d = '';
  for (const poly of polys) for (const r of poly) d += ring(r);
  if (d) out.push({ id: code, name, d });
}
out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
process.stdout.write(JSON.stringify({
  source: 'Natural Earth 1:110m countries (public domain) via npm world-atlas 2.0.2; tools/worldmap/make.js',
  projection: 'Equal Earth', width: W, height: H, countries: out,
}) + '\n');
