/**
 * The one-page compliance report of a site, as a print-ready view over the app: title, date, map
 * snapshot with legend, findings, the site's coordinates (lon/lat and EPSG:4546), the data sources
 * and their quality, the method and the indicative-data notice. "Print" hands it to the browser
 * (print to paper or PDF); `@media print` hides everything else.
 */
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Geometry, Position } from 'geojson';
import { toGaussKruger } from '../../../core/crs.ts';
import type { ComplianceResponse } from '../api.ts';
import { h } from '../dom.ts';
import { geometryBounds } from '../geometry.ts';
import { getLang, label, pick, t } from '../i18n/index.ts';
import { CONTROL_RED } from '../layers/controls.ts';
import { layerQuality, type Store } from '../store.ts';
import { inLang } from '../panels/layer-panel.ts';
import { areaText, featureLabel, percentText, squareMetersText, verdictLines, methodText, warningTexts, zonesText } from './format.ts';
import { OVERLAP_RED, SITE_BLUE } from './site-layers.ts';

export interface ReportInput {
  /** The site's name: a project's, or "new site". */
  title: string;
  response: ComplianceResponse;
}

/** Most boundary points listed; a longer ring is summarised by a count. */
const MAX_LISTED_POINTS = 60;

/** Waits until the map has nothing left to load or animate. */
function idle(map: MapLibreMap): Promise<void> {
  return new Promise((resolve) => {
    if (!map.isMoving() && map.loaded() && map.areTilesLoaded()) {
      map.once('idle', () => resolve());
      map.triggerRepaint();
    } else map.once('idle', () => resolve());
  });
}

/**
 * A PNG data URL of the map as drawn now, or null. Read inside the `render` event, while the frame
 * just drawn is still in the WebGL drawing buffer: no `preserveDrawingBuffer` needed.
 */
function snapshot(map: MapLibreMap): Promise<string | null> {
  return new Promise((resolve) => {
    map.once('render', () => {
      try {
        resolve(map.getCanvas().toDataURL('image/png'));
      } catch {
        resolve(null);
      }
    });
    map.triggerRepaint();
  });
}

/** The site centred on the whole canvas (panels are DOM, not part of the snapshot), captured, then the view restored. */
async function siteSnapshot(map: MapLibreMap, geometry: Geometry): Promise<string | null> {
  const camera = { center: map.getCenter(), zoom: map.getZoom(), bearing: map.getBearing(), pitch: map.getPitch() };
  if (geometry.type === 'Point') map.jumpTo({ center: geometry.coordinates as [number, number], zoom: Math.max(map.getZoom(), 14) });
  else map.fitBounds(geometryBounds(geometry), { padding: 80, maxZoom: 16, duration: 0 });
  await idle(map);
  const url = await snapshot(map);
  map.jumpTo(camera);
  return url;
}

/** The vertices to list: every ring's positions without the closing repeat. */
function vertices(geometry: Geometry): { name: string; position: Position }[] {
  if (geometry.type === 'Point') return [{ name: 'J1', position: geometry.coordinates }];
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  const out: { name: string; position: Position }[] = [];
  polygons.forEach((rings, p) =>
    rings.forEach((ring, r) =>
      ring.slice(0, -1).forEach((position, i) => {
        const prefix = polygons.length > 1 ? `${p + 1}-` : '';
        const hole = r > 0 ? `h${r}-` : '';
        out.push({ name: `${prefix}${hole}J${i + 1}`, position });
      }),
    ),
  );
  return out;
}

function legendSwatch(kind: 'site' | 'overlap' | 'control'): HTMLElement {
  const style =
    kind === 'site'
      ? `border: 3px solid ${SITE_BLUE}; background: rgba(21, 101, 192, 0.08)`
      : kind === 'overlap'
        ? `border: 1.5px solid #b71c1c; background: ${OVERLAP_RED}; opacity: 0.8`
        : `border: 2px solid ${CONTROL_RED}; background: repeating-linear-gradient(135deg, rgba(211,47,47,0.45) 0 1.5px, transparent 1.5px 6px)`;
  return h('span', { class: 'xc-report-swatch', style });
}

/** Builds the report for the current language and shows it over the app; returns its element. */
export async function openReport(map: MapLibreMap, store: Store, input: ReportInput): Promise<HTMLElement> {
  document.querySelector('.xc-report')?.remove();
  const m = t().compliance;
  const r = m.report;
  const lang = getLang();
  const res = input.response;
  const geometry = res.site.geometry;
  const isPoint = geometry.type === 'Point';
  const image = await siteSnapshot(map, geometry);
  const bracket = (a: string, b: string) => (a === b ? a : lang === 'zh' ? `${a}（${b}）` : `${a} (${b})`);
  const now = new Date();
  const dateText = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'long', timeStyle: 'short' }).format(now);

  const findings = h(
    'table',
    { class: 'xc-report-table' },
    h('thead', {}, h('tr', {}, h('th', {}, r.feature), h('th', {}, r.kind), h('th', { class: 'xc-num' }, r.overlap), h('th', { class: 'xc-num' }, r.overlapHa), h('th', { class: 'xc-num' }, r.share))),
    h(
      'tbody',
      {},
      ...(res.conflicts.length
        ? res.conflicts.map((c) =>
            h(
              'tr',
              {},
              h('td', {}, featureLabel(store, c.collection, c.id, c.name, c.nameEn)),
              h('td', {}, label(t().controlKind, c.kind)),
              h('td', { class: 'xc-num' }, isPoint ? '–' : squareMetersText(c.overlapSquareMeters)),
              h('td', { class: 'xc-num' }, isPoint ? '–' : (c.overlapSquareMeters / 10_000).toFixed(2)),
              h('td', { class: 'xc-num' }, percentText(c.overlapShare)),
            ),
          )
        : [h('tr', {}, h('td', { colspan: '5' }, m.noConflict))]),
    ),
  );

  const points = vertices(geometry);
  const fmt = (v: number, d: number) => v.toFixed(d);
  const coordinates = h(
    'table',
    { class: 'xc-report-table xc-report-coords' },
    h('thead', {}, h('tr', {}, h('th', {}, r.point), h('th', { class: 'xc-num' }, r.lon), h('th', { class: 'xc-num' }, r.lat), h('th', { class: 'xc-num' }, r.x), h('th', { class: 'xc-num' }, r.y))),
    h(
      'tbody',
      {},
      ...points.slice(0, MAX_LISTED_POINTS).map((p) => {
        const [easting, northing] = toGaussKruger(p.position);
        return h('tr', {}, h('td', {}, p.name), h('td', { class: 'xc-num' }, fmt(p.position[0], 7)), h('td', { class: 'xc-num' }, fmt(p.position[1], 7)), h('td', { class: 'xc-num' }, fmt(northing, 2)), h('td', { class: 'xc-num' }, fmt(easting, 2)));
      }),
    ),
  );

  // The layers the check used: every control layer, and the zones for the zone shares.
  const used = [...store.info.values()].filter((info) => info.control || info.id === 'zones');
  const anyIndicative = used.some((info) => layerQuality(info, store.features.get(info.id) ?? []) !== 'other') || res.conflicts.some((c) => c.quality === 'indicative');
  const sources = h(
    'table',
    { class: 'xc-report-table xc-report-sources' },
    h('thead', {}, h('tr', {}, h('th', {}, r.layer), h('th', {}, r.quality), h('th', {}, r.dataDate), h('th', {}, r.sourceList))),
    h(
      'tbody',
      {},
      ...used.map((info) => {
        const p = info.provenance;
        // Source names and licence in the report's language (issue 13 #9: provenance carries *_zh versions).
        const zh = getLang() === 'zh';
        const names = Array.isArray(p?.sources) ? (p.sources as { name?: string; name_zh?: string }[]).map((s) => (zh && s.name_zh) || s.name).filter(Boolean) : [];
        const licence = p ? inLang(p, 'licence') : '';
        return h(
          'tr',
          {},
          h('td', {}, pick(info.titles)),
          h('td', {}, label(t().quality, p?.quality) || t().unknownSource),
          h('td', {}, p?.date ?? ''),
          h('td', {}, names.length ? h('ol', {}, ...names.map((n) => h('li', {}, String(n)))) : t().unknownSource, licence ? h('div', { class: 'xc-report-muted' }, `${t().about.licence}: ${licence}`) : null),
        );
      }),
    ),
  );

  const printButton = h('button', { type: 'button', class: 'xc-cmp-button xc-report-print' }, r.print);
  printButton.addEventListener('click', () => window.print());
  const closeButton = h('button', { type: 'button', class: 'xc-cmp-button xc-cmp-button-quiet xc-report-close' }, r.close);
  const page = h(
    'article',
    { class: 'xc-report-page', lang: t().htmlLang },
    h('header', { class: 'xc-report-header' }, h('h1', {}, r.title), h('div', { class: 'xc-report-muted' }, r.subtitle)),
    h(
      'dl',
      { class: 'xc-report-facts' },
      h('dt', {}, r.site),
      h('dd', {}, input.title),
      h('dt', {}, r.date),
      h('dd', {}, dateText),
      h('dt', {}, m.siteArea),
      h('dd', {}, isPoint ? m.pointSite : bracket(areaText(res.site.areaSquareMeters), squareMetersText(res.site.areaSquareMeters))),
      h('dt', {}, m.zones),
      h('dd', {}, zonesText(store, res)),
      h('dt', {}, m.verdict),
      h('dd', { class: res.conflicts.length ? 'xc-report-conflict' : 'xc-report-ok' }, ...verdictLines(store, res, isPoint).map((line) => h('div', {}, line))),
    ),
    anyIndicative ? h('div', { class: 'xc-report-notice' }, r.notice) : null,
    h(
      'section',
      { class: 'xc-report-map' },
      h('h2', {}, r.map),
      image ? h('img', { src: image, alt: r.map, class: 'xc-report-image' }) : h('div', { class: 'xc-report-muted' }, r.snapshotFailed),
      h(
        'div',
        { class: 'xc-report-legend' },
        h('strong', {}, lang === 'zh' ? `${r.legend}：` : `${r.legend}: `),
        h('span', {}, legendSwatch('site'), r.legendSite),
        h('span', {}, legendSwatch('overlap'), r.legendOverlap),
        h('span', {}, legendSwatch('control'), r.legendControl),
      ),
    ),
    h('section', {}, h('h2', {}, r.results), findings),
    res.warnings.length ? h('section', {}, h('h2', {}, m.warnings), h('ul', { class: 'xc-report-warnings' }, ...warningTexts(res).map((w) => h('li', {}, w)))) : null,
    h(
      'section',
      {},
      h('h2', {}, r.coordinates),
      h('div', { class: 'xc-report-muted' }, r.coordinatesNote),
      coordinates,
      points.length > MAX_LISTED_POINTS ? h('div', { class: 'xc-report-muted' }, r.more(points.length - MAX_LISTED_POINTS)) : null,
    ),
    h('section', {}, h('h2', {}, r.sources), sources),
    h('section', {}, h('h2', {}, m.method), h('p', { class: 'xc-report-method' }, methodText(res))),
    h('footer', { class: 'xc-report-muted' }, `${t().appTitle} · ${dateText}`),
  );
  const view = h('div', { class: 'xc-report xc-analysis-report', role: 'dialog', 'aria-label': r.title }, h('div', { class: 'xc-report-toolbar' }, printButton, closeButton), page);
  const close = () => {
    view.remove();
    document.body.classList.remove('xc-report-open');
    document.removeEventListener('keydown', onKey);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') close();
  };
  closeButton.addEventListener('click', close);
  document.addEventListener('keydown', onKey);
  document.body.append(view);
  document.body.classList.add('xc-report-open');
  return view;
}
