/**
 * The one-page compliance report of a site, as a print-ready view over the app: title, date, map
 * snapshot with legend, findings, the site's coordinates (lon/lat and EPSG:4546), the data sources
 * and their quality, the method and the indicative-data notice. "Print" hands it to the browser
 * (print to paper or PDF); `@media print` hides everything else.
 */
import { LngLat, type Map as MapLibreMap } from 'maplibre-gl';
import type { Geometry, Position } from 'geojson';
import { toGaussKruger, toLonLat } from '../../../core/crs.ts';
import { areaFigures, planeAreaGaussKruger } from '../../../core/geometry/area.ts';
import { drawNorthArrow, drawScaleBar } from '../export/layout.ts';
import { renderMapCanvas } from '../export/map-render.ts';
import { groundMetersPerCssPx } from '../../../core/print/scale.ts';
import type { EnteredPoints } from './site-input-form.ts';
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
  /** The site's name: a project's, the uploaded file's, or "new site". */
  title: string;
  response: ComplianceResponse;
  /** The boundary points as the user entered them (pasted or uploaded), printed verbatim. */
  entered?: EnteredPoints;
  /** Prefilled report fields (a saved review's number, project and applicant). */
  fields?: ReportFields;
}

export interface ReportFields {
  projectName?: string;
  applicant?: string;
  reviewer?: string;
  /** 审查编号: the saved review's number (XC-…), or one typed in. */
  reviewNumber?: string;
}

/** Words the report adds for issue 13 item 12 (fields, areas in 亩, coordinates as entered, map furniture). */
const words = {
  zh: {
    projectName: '项目名称',
    applicant: '申请单位',
    reviewer: '审查人',
    reviewNumber: '审查编号',
    fieldsHint: '打印前填写以下各项，打印件中显示所填内容。',
    areas: '面积',
    areaKind: '计算方式',
    m2: '平方米',
    ha: '公顷',
    mu: '亩',
    geodesic: '椭球面积（CGCS2000 椭球，测地线计算）',
    plane: '平面面积（EPSG:4546 高斯投影坐标解析法）',
    planeRepaired: '（按修复后的图形）',
    muNote: '1 亩 = 666.67 平方米（1 公顷 = 15 亩）',
    entered: (crs: string) => `界址点坐标如录入（${crs}，未经换算）；经纬度由其换算（WGS84/CGCS2000）。`,
    northing: 'X（北）',
    easting: 'Y（东）',
    lonEntered: '经度（录入）',
    latEntered: '纬度（录入）',
    overview: '区位',
    district: '新城区',
  },
  en: {
    projectName: 'Project',
    applicant: 'Applicant',
    reviewer: 'Reviewer',
    reviewNumber: 'Review no.',
    fieldsHint: 'Fill these in before printing; the printout shows what you enter.',
    areas: 'Areas',
    areaKind: 'Method',
    m2: 'm²',
    ha: 'ha',
    mu: 'mu (亩)',
    geodesic: 'Geodesic (CGCS2000 ellipsoid)',
    plane: 'Plane, EPSG:4546 Gauss-Krüger coordinates (shoelace)',
    planeRepaired: ' (repaired shape)',
    muNote: '1 mu (亩) = 666.67 m² (1 ha = 15 mu)',
    entered: (crs: string) => `Boundary points as entered (${crs}, not converted); lon/lat converted from them (WGS84/CGCS2000).`,
    northing: 'X (northing)',
    easting: 'Y (easting)',
    lonEntered: 'Lon (entered)',
    latEntered: 'Lat (entered)',
    overview: 'Location',
    district: 'Xincheng',
  },
};

/** Most boundary points listed; a longer ring is summarised by a count. */
const MAX_LISTED_POINTS = 60;

/**
 * The site centred on the whole canvas (panels are DOM, not part of the snapshot), drawn once by
 * the live map (export/map-render.ts), with a north arrow, a scale bar and a location inset (the
 * district's outline with the site marked) drawn on it; the view is restored. A PNG data URL, or null.
 */
async function siteSnapshot(map: MapLibreMap, store: Store, geometry: Geometry): Promise<string | null> {
  try {
    const bounds = geometryBounds(geometry);
    const camera =
      geometry.type === 'Point'
        ? { center: geometry.coordinates as [number, number], zoom: Math.max(map.getZoom(), 14) }
        : map.cameraForBounds(bounds, { padding: 80, maxZoom: 16 });
    if (!camera?.center || camera.zoom === undefined) return null;
    const lngLat = LngLat.convert(camera.center);
    const { canvas, pixelRatio } = await renderMapCanvas(map, { pixelRatio: 1.5, center: lngLat, zoom: camera.zoom });
    const ctx = canvas.getContext('2d')!;
    // Furniture sized for the image as the report shows it (about 700 CSS pixels wide).
    const unit = canvas.width / 700;
    const lang = getLang();
    drawNorthArrow(ctx, canvas.width - 30 * unit, 30 * unit, 0, t().investor.north, unit);
    drawScaleBar(ctx, canvas.width - 12 * unit, canvas.height - 12 * unit, groundMetersPerCssPx(lngLat.lat, camera.zoom) / pixelRatio, unit, lang);
    drawInset(ctx, store, bounds, unit);
    return canvas.toDataURL('image/png');
  } catch (err) {
    console.warn('Report map:', err);
    return null;
  }
}

/** The district's outline in a corner box, with the site's place marked: where in Xincheng the site lies. */
function drawInset(ctx: CanvasRenderingContext2D, store: Store, site: [number, number, number, number], unit: number) {
  const district = (store.features.get('district') ?? []).find((f) => (f.properties as { role?: string }).role === 'district') ?? store.features.get('district')?.[0];
  const geometry = district?.geometry as Geometry | undefined;
  if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) return;
  const [w0, s0, e0, n0] = geometryBounds(geometry);
  const size = 110 * unit;
  const pad = 8 * unit;
  const x0 = 12 * unit;
  const y0 = ctx.canvas.height - size - 12 * unit;
  const k = Math.cos((((s0 + n0) / 2) * Math.PI) / 180);
  const scale = Math.min((size - 2 * pad) / ((e0 - w0) * k), (size - 2 * pad) / (n0 - s0));
  const px = (lon: number, lat: number): [number, number] => [x0 + pad + (lon - w0) * k * scale, y0 + pad + (n0 - lat) * scale];
  ctx.save();
  ctx.fillStyle = 'rgba(255, 255, 255, 0.95)';
  ctx.strokeStyle = '#8d99a3';
  ctx.lineWidth = unit;
  ctx.fillRect(x0, y0, size, size);
  ctx.strokeRect(x0, y0, size, size);
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  ctx.beginPath();
  for (const rings of polygons) {
    for (const ring of rings) {
      ring.forEach(([lon, lat], i) => {
        const [x, y] = px(lon, lat);
        if (i) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
      });
      ctx.closePath();
    }
  }
  ctx.fillStyle = 'rgba(29, 95, 168, 0.12)';
  ctx.fill('evenodd');
  ctx.strokeStyle = '#1d5fa8';
  ctx.lineWidth = 1.2 * unit;
  ctx.stroke();
  const [a, b] = px(site[0], site[3]);
  const [c, d] = px(site[2], site[1]);
  const cx = (a + c) / 2;
  const cy = (b + d) / 2;
  ctx.strokeStyle = '#d50000';
  ctx.lineWidth = 2 * unit;
  ctx.strokeRect(Math.min(a, cx - 4 * unit), Math.min(b, cy - 4 * unit), Math.max(c - a, 8 * unit), Math.max(d - b, 8 * unit));
  ctx.font = `600 ${10 * unit}px system-ui, 'Noto Sans CJK SC', sans-serif`;
  ctx.fillStyle = '#1f2a30';
  ctx.fillText(words[getLang()].overview, x0 + 5 * unit, y0 + 13 * unit);
  ctx.restore();
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
  const image = await siteSnapshot(map, store, geometry);
  const w = words[lang];
  const bracket = (a: string, b: string) => (a === b ? a : lang === 'zh' ? `${a}（${b}）` : `${a} (${b})`);
  const now = new Date();
  const dateText = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'long', timeStyle: 'short' }).format(now);

  const findings = h(
    'table',
    { class: 'xc-report-table' },
    h('thead', {}, h('tr', {}, h('th', {}, r.feature), h('th', {}, r.kind), h('th', { class: 'xc-num' }, r.overlap), h('th', { class: 'xc-num' }, r.overlapHa), h('th', { class: 'xc-num' }, w.mu), h('th', { class: 'xc-num' }, r.share))),
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
              h('td', { class: 'xc-num' }, isPoint ? '–' : areaFigures(c.overlapSquareMeters).mu),
              h('td', { class: 'xc-num' }, percentText(c.overlapShare)),
            ),
          )
        : [h('tr', {}, h('td', { colspan: '6' }, m.noConflict))]),
    ),
  );

  const points = vertices(geometry);
  const fmt = (v: number, d: number) => v.toFixed(d);
  const entered = input.entered;
  const projected = entered && (entered.crs === 'EPSG:4546' || entered.crs === 'EPSG:4525');
  // As entered: X and Y verbatim in their CRS (northing/easting, or lon/lat), with lon/lat converted from them.
  const enteredRows = entered?.points.map((p, i) => {
    const [first, second] = [p.x, p.y];
    if (projected) {
      const [northing, easting] = entered.swap ? [second, first] : [first, second];
      const [lon, lat] = toLonLat([Number(easting), Number(northing)], entered.crs);
      return [p.name ?? `J${i + 1}`, northing, easting, fmt(lon, 7), fmt(lat, 7)];
    }
    const [lonText, latText] = entered.swap ? [second, first] : [first, second];
    return [p.name ?? `J${i + 1}`, lonText, latText];
  });
  const coordinates = enteredRows
    ? h(
        'table',
        { class: 'xc-report-table xc-report-coords xc-report-coords-entered' },
        h(
          'thead',
          {},
          h('tr', {}, h('th', {}, r.point), ...(projected ? [w.northing, w.easting, r.lon, r.lat] : [w.lonEntered, w.latEntered]).map((c) => h('th', { class: 'xc-num' }, c))),
        ),
        h('tbody', {}, ...enteredRows.slice(0, MAX_LISTED_POINTS).map((row) => h('tr', {}, h('td', {}, row[0]), ...row.slice(1).map((c) => h('td', { class: 'xc-num' }, c))))),
      )
    : h(
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
  const listed = enteredRows ? enteredRows.length : points.length;
  const crsName = entered ? (entered.crs === 'GCJ02' ? 'GCJ-02' : entered.crs) : '';

  // Areas: geodesic (the server's) and plane in EPSG:4546 (坐标解析法 on the points as entered, or on
  // the repaired shape when the server had to repair it), in m², 公顷 and 亩.
  const repaired = res.warningDetails?.some((d) => (d as { code?: string }).code === 'repaired') ?? false;
  const planeM2 = isPoint
    ? 0
    : entered && !repaired && projected && input.entered
      ? planeAreaGaussKruger(
          { type: 'Polygon', coordinates: [entered.points.map((p) => (entered.swap ? [Number(p.x), Number(p.y)] : [Number(p.y), Number(p.x)]))] },
          entered.crs,
        )
      : planeAreaGaussKruger(geometry as { type: string; coordinates: unknown });
  const areaRow = (kind: string, m2: number) => {
    const f = areaFigures(m2);
    return h('tr', {}, h('td', {}, kind), h('td', { class: 'xc-num' }, f.m2), h('td', { class: 'xc-num' }, f.ha), h('td', { class: 'xc-num' }, f.mu));
  };
  const areas = isPoint
    ? null
    : h(
        'table',
        { class: 'xc-report-table xc-report-areas' },
        h('thead', {}, h('tr', {}, h('th', {}, w.areaKind), h('th', { class: 'xc-num' }, w.m2), h('th', { class: 'xc-num' }, w.ha), h('th', { class: 'xc-num' }, w.mu))),
        h('tbody', {}, areaRow(w.geodesic, res.site.areaSquareMeters), areaRow(w.plane + (repaired ? w.planeRepaired : ''), planeM2)),
      );

  // Fields filled in before printing: inputs on screen, their text on paper.
  const fieldValues: Required<ReportFields> = {
    projectName: input.fields?.projectName ?? input.title,
    applicant: input.fields?.applicant ?? '',
    reviewer: input.fields?.reviewer ?? '',
    reviewNumber: input.fields?.reviewNumber ?? '',
  };
  const fieldRows = (['projectName', 'applicant', 'reviewer', 'reviewNumber'] as const).flatMap((key) => {
    const value = h('span', { class: 'xc-report-value' }, fieldValues[key]);
    const field = h('input', { class: 'xc-report-input', name: key, 'aria-label': w[key], placeholder: w[key] }) as HTMLInputElement;
    field.value = fieldValues[key];
    field.addEventListener('input', () => {
      value.textContent = field.value;
      if (key === 'projectName') heading.textContent = field.value || input.title;
    });
    return [h('dt', {}, w[key]), h('dd', {}, field, value)];
  });
  const heading = h('dd', {}, fieldValues.projectName || input.title);

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
    h('div', { class: 'xc-report-muted xc-report-fields-hint' }, w.fieldsHint),
    h('dl', { class: 'xc-report-facts xc-report-fields' }, ...fieldRows),
    h(
      'dl',
      { class: 'xc-report-facts' },
      h('dt', {}, r.site),
      heading,
      h('dt', {}, r.date),
      h('dd', {}, dateText),
      h('dt', {}, m.siteArea),
      h('dd', {}, isPoint ? m.pointSite : `${bracket(areaText(res.site.areaSquareMeters), squareMetersText(res.site.areaSquareMeters))} · ${areaFigures(res.site.areaSquareMeters).mu} ${w.mu}`),
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
    areas ? h('section', {}, h('h2', {}, w.areas), areas, h('div', { class: 'xc-report-muted' }, w.muNote)) : null,
    h('section', {}, h('h2', {}, r.results), findings),
    res.warnings.length ? h('section', {}, h('h2', {}, m.warnings), h('ul', { class: 'xc-report-warnings' }, ...warningTexts(res).map((w) => h('li', {}, w)))) : null,
    h(
      'section',
      {},
      h('h2', {}, r.coordinates),
      h('div', { class: 'xc-report-muted' }, entered ? w.entered(crsName) : r.coordinatesNote),
      coordinates,
      listed > MAX_LISTED_POINTS ? h('div', { class: 'xc-report-muted' }, r.more(listed - MAX_LISTED_POINTS)) : null,
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
