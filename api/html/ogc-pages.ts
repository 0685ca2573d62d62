/**
 * HTML pages of the OGC API resources (`f=html`, or a browser's `Accept: text/html`): landing,
 * conformance, collections, collection, items and item. Plain, readable, Chinese first with the
 * English beside it; every page links its JSON twin; items and item pages draw a small map (SVG,
 * no script) with paging. Text from data is escaped by `html`.
 */
import type { Feature } from 'geojson';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { QUALITY_LABELS, type CollectionDef, type Quality } from '../../core/catalog.ts';
import { svgMap } from './svg-map.ts';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface Link {
  href: string;
  rel: string;
  type?: string;
  title?: string;
}

/** The URL with `f` set (the same resource in another format). */
export function withF(href: string, f: 'html' | 'json'): string {
  const u = new URL(href);
  u.searchParams.set('f', f);
  return u.toString();
}

const STYLE = `body{font:14px/1.55 system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:0;color:#1d1d1b;background:#fff}
header{background:#1b3a5c;color:#fff;padding:10px 24px}header a{color:#cfe3ff}header .crumbs{font-size:13px}
main{padding:12px 24px 32px;max-width:1200px}h1{font-size:22px;margin:12px 0 4px}h2{font-size:17px;margin:22px 0 6px}
.en{color:#5c6770}table{border-collapse:collapse;margin:6px 0}td,th{border-bottom:1px solid #e2e2e2;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f7;font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums}code{font-size:12.5px;background:#f3f5f7;padding:0 3px}
.tag{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;background:#e8eef5}.tag.indicative{background:#fff1d6;color:#7a4b00}
.pager a,.fmt a{margin-right:12px}.map{border:1px solid #ccd;max-width:100%;height:auto;display:block;margin:8px 0}.scroll{overflow-x:auto}
.note{color:#5c6770;font-size:13px}`;

function page(title: { zh: string; en: string }, crumbs: { href?: string; text: string }[], jsonHref: string, body: Html): Html {
  return html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title.zh} · ${title.en}</title><link rel="alternate" type="application/json" href="${jsonHref}"><style>${raw(STYLE)}</style></head>
<body><header><div class="crumbs">${crumbs.map((c, i) => html`${i ? ' › ' : ''}${c.href ? html`<a href="${c.href}">${c.text}</a>` : c.text}`)}</div></header>
<main><h1>${title.zh} <span class="en">${title.en}</span></h1>
<p class="fmt">本页格式 Format: HTML · <a href="${jsonHref}" type="application/json">JSON</a></p>
${body}</main></body></html>`;
}

function crumbsTo(base: string, ...rest: { href?: string; text: string }[]) {
  return [{ href: withF(base, 'html'), text: '接口首页 API' }, ...rest];
}

function linkList(links: Link[]): Html {
  return html`<table><thead><tr><th>关系 rel</th><th>链接 Link</th><th>类型 Type</th></tr></thead><tbody>${links.map(
    (l) => html`<tr><td><code>${l.rel}</code></td><td><a href="${l.href}">${l.title ?? l.href}</a></td><td>${l.type ?? ''}</td></tr>`,
  )}</tbody></table>`;
}

export function landingHtml(doc: { title: string; description: string; links: Link[] }, base: string): Html {
  const human = (l: Link) => (['data', 'conformance', 'self'].includes(l.rel) ? { ...l, href: withF(l.href, 'html') } : l);
  return page(
    { zh: '新城区国土空间规划地图接口', en: 'Xincheng District planning map API' },
    [{ text: '接口首页 API' }],
    withF(base, 'json'),
    html`<p>${doc.description}</p>
<h2>从这里开始 <span class="en">Start here</span></h2>
<ul><li><a href="${withF(`${base}/collections`, 'html')}">数据集合 Collections</a> — 规划分区、管控线、项目、公园、设施等 (zones, control lines, projects, parks, facilities …)</li>
<li><a href="${base}/docs">接口文档 API documentation</a> (OpenAPI 3.0: <a href="${base}/openapi">openapi</a>)</li>
<li><a href="${withF(`${base}/conformance`, 'html')}">符合的标准 Conformance classes</a></li></ul>
<p class="note">GIS 客户端 (QGIS, GDAL <code>ogrinfo OAPIF:${base}</code>, OWSLib) 连接此地址即可读取全部图层。GIS clients connect to this address.</p>
<h2>链接 <span class="en">Links</span></h2>${linkList(doc.links.map(human))}`,
  );
}

export function conformanceHtml(conformsTo: string[], base: string): Html {
  return page(
    { zh: '符合的标准', en: 'Conformance classes' },
    crumbsTo(base, { text: '符合的标准 Conformance' }),
    withF(`${base}/conformance`, 'json'),
    html`<p>此接口实现的 OGC API 标准一致性类。The OGC API conformance classes this server implements.</p><ul>${conformsTo.map((u) => html`<li><code>${u}</code></li>`)}</ul>`,
  );
}

/** What `describe` in routes/collections.ts returns, as far as the pages read it. */
export interface CollectionDoc {
  id: string;
  titles: { zh: string; en: string };
  descriptions: { zh: string; en: string };
  numberOfFeatures: number;
  extent?: { spatial: { bbox: number[][] } };
  crs: string[];
  storageCrs: string;
  role: string;
  provenance: Record<string, unknown> | null;
  /** The properties this reader may see. */
  properties: Record<string, unknown>;
  links: Link[];
}

function qualityTag(q: unknown): Html {
  const label = typeof q === 'string' && Object.hasOwn(QUALITY_LABELS, q) ? QUALITY_LABELS[q as Quality] : undefined;
  return label ? html`<span class="tag ${q as string}">${label.zh} ${label.en}</span>` : html`—`;
}

export function collectionsHtml(collections: CollectionDoc[], base: string): Html {
  return page(
    { zh: '数据集合', en: 'Collections' },
    crumbsTo(base, { text: '集合 Collections' }),
    withF(`${base}/collections`, 'json'),
    html`<div class="scroll"><table><thead><tr><th>集合 Collection</th><th>标识 id</th><th class="num">要素数 Features</th><th>数据质量 Quality</th><th>来源日期 Date</th><th>格式 Formats</th></tr></thead><tbody>${collections.map(
      (c) => html`<tr><td><a href="${withF(`${base}/collections/${c.id}`, 'html')}">${c.titles.zh}</a><br><span class="en">${c.titles.en}</span></td><td><code>${c.id}</code></td>
<td class="num">${c.numberOfFeatures.toLocaleString('zh-CN')}</td><td>${qualityTag(c.provenance?.quality)}</td><td>${String(c.provenance?.date ?? '—')}</td>
<td><a href="${withF(`${base}/collections/${c.id}/items`, 'html')}">要素 HTML</a> · <a href="${base}/collections/${c.id}/items">GeoJSON</a></td></tr>`,
    )}</tbody></table></div>`,
  );
}

export function collectionHtml(c: CollectionDoc, def: CollectionDef, base: string): Html {
  const p = c.provenance ?? {};
  const bbox = c.extent?.spatial.bbox[0];
  const row = (k: string, v: unknown) => html`<tr><th>${k}</th><td>${v === undefined || v === null || v === '' ? '—' : String(v)}</td></tr>`;
  return page(
    c.titles,
    crumbsTo(base, { href: withF(`${base}/collections`, 'html'), text: '集合 Collections' }, { text: c.titles.zh }),
    withF(`${base}/collections/${c.id}`, 'json'),
    html`<p>${c.descriptions.zh}</p><p class="en">${c.descriptions.en}</p>
<p><a href="${withF(`${base}/collections/${c.id}/items`, 'html')}">浏览要素 Browse the features</a> (${c.numberOfFeatures.toLocaleString('zh-CN')}) ·
<a href="${base}/collections/${c.id}/items">GeoJSON</a> · <a href="${base}/collections/${c.id}/queryables">可查询属性 Queryables</a> · <a href="${base}/collections/${c.id}/schema">结构 Schema</a></p>
<h2>数据说明 <span class="en">About the data</span></h2>
<table><tr><th>数据质量 Quality</th><td>${qualityTag(p.quality)}</td></tr>
${row('许可 Licence', p.licence)}${row('署名 Attribution', p.attribution)}${row('日期 Date', p.date)}${row('方法 Method', p.method)}${row('说明 Notes', p.notes)}
${row('用途 Role', c.role)}${row('存储坐标系 Storage CRS', c.storageCrs)}
${row('范围 Extent (CRS84)', bbox ? bbox.map((x) => x.toFixed(5)).join(', ') : undefined)}</table>
<h2>坐标系 <span class="en">Coordinate systems</span> (<code>crs</code>)</h2><ul>${c.crs.map((u) => html`<li><code>${u}</code></li>`)}</ul>
<h2>属性 <span class="en">Properties</span></h2>
<table><thead><tr><th>名称 Name</th><th>中文</th><th>English</th><th>类型 Type</th><th>可筛选 Filter</th></tr></thead><tbody>${Object.entries(def.properties)
      .filter(([k]) => Object.hasOwn(c.properties, k))
      .map(([k, d]) => html`<tr><td><code>${k}</code></td><td>${d.title.zh}</td><td>${d.title.en}</td><td>${d.type}${d.enum ? html`: ${d.enum.join(' / ')}` : ''}</td><td>${d.filter ? '✓' : ''}</td></tr>`)}</tbody></table>`,
  );
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('zh-CN') : v.toLocaleString('zh-CN', { maximumFractionDigits: 3 });
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A feature's name for titles and tooltips: its Chinese name, else English, else its id. */
function featureName(f: Feature): string {
  const p = f.properties ?? {};
  return String(p.name_zh ?? p.name ?? p.name_en ?? f.id ?? '');
}

export interface ItemsPageData {
  def: CollectionDef;
  features: Feature[];
  numberMatched: number;
  numberReturned: number;
  offset: number;
  links: Link[];
  /** The request as a URL (paging links keep its parameters). */
  self: string;
}

export function itemsHtml(d: ItemsPageData, base: string): Html {
  const { def } = d;
  const itemHref = (f: Feature) => withF(`${base}/collections/${def.id}/items/${encodeURIComponent(String(f.id))}`, 'html');
  // Columns: the properties present on this page (declared order), so an empty column is not shown.
  const columns = Object.keys(def.properties).filter((k) => d.features.some((f) => f.properties?.[k] !== null && f.properties?.[k] !== undefined));
  const withoutGeometry = d.features.filter((f) => !f.geometry).length;
  const pager = (rel: string, text: string) => {
    const l = d.links.find((x) => x.rel === rel);
    return l ? html`<a href="${withF(l.href, 'html')}" rel="${rel}">${text}</a>` : '';
  };
  const map = svgMap(d.features, { href: itemHref, label: featureName });
  return page(
    { zh: `${def.title.zh} · 要素`, en: `${def.title.en} · features` },
    crumbsTo(base, { href: withF(`${base}/collections`, 'html'), text: '集合 Collections' }, { href: withF(`${base}/collections/${def.id}`, 'html'), text: def.title.zh }, { text: '要素 Features' }),
    withF(d.self, 'json'),
    html`<p>第 ${d.numberReturned ? d.offset + 1 : 0}–${d.offset + d.numberReturned} 个，共 ${d.numberMatched.toLocaleString('zh-CN')} 个要素
<span class="en">Features ${d.numberReturned ? d.offset + 1 : 0}–${d.offset + d.numberReturned} of ${d.numberMatched.toLocaleString('en')}</span></p>
<p class="pager">${pager('prev', '‹ 上一页 Previous')}${pager('next', '下一页 Next ›')}</p>
${map ? raw(map) : ''}${withoutGeometry ? html`<p class="note">${withoutGeometry} 个要素没有几何（全区性项目或位置未载明），不在图上。${withoutGeometry} feature(s) have no geometry and are not drawn.</p>` : ''}
<div class="scroll"><table><thead><tr><th>标识 id</th>${columns.map((k) => html`<th>${def.properties[k].title.zh}<br><span class="en">${def.properties[k].title.en}</span></th>`)}</tr></thead>
<tbody>${d.features.map((f) => html`<tr><td><a href="${itemHref(f)}">${String(f.id)}</a></td>${columns.map((k) => html`<td>${k === 'quality' ? qualityTag(f.properties?.[k]) : cell(f.properties?.[k])}</td>`)}</tr>`)}</tbody></table></div>
<p class="pager">${pager('prev', '‹ 上一页 Previous')}${pager('next', '下一页 Next ›')}</p>`,
  );
}

export function itemHtml(def: CollectionDef, f: Feature & { links?: Link[] }, base: string, self: string): Html {
  const name = featureName(f);
  const map = svgMap([f], { label: () => name });
  // In the catalogue's order (as the map's popups list them), undeclared ones after.
  const declared = Object.keys(def.properties);
  const rank = (k: string) => (declared.includes(k) ? declared.indexOf(k) : declared.length);
  const props = Object.entries(f.properties ?? {}).sort(([a], [b]) => rank(a) - rank(b));
  const nameEn = f.properties?.name_en;
  return page(
    { zh: name || String(f.id), en: typeof nameEn === 'string' && nameEn ? nameEn : `${def.title.en} · ${String(f.id)}` },
    crumbsTo(
      base,
      { href: withF(`${base}/collections`, 'html'), text: '集合 Collections' },
      { href: withF(`${base}/collections/${def.id}`, 'html'), text: def.title.zh },
      { href: withF(`${base}/collections/${def.id}/items`, 'html'), text: '要素 Features' },
      { text: String(f.id) },
    ),
    withF(self, 'json'),
    html`${map ? raw(map) : html`<p class="note">此要素没有几何（全区性项目或位置未载明）。This feature has no geometry.</p>`}
<table><thead><tr><th>属性 Property</th><th>值 Value</th></tr></thead><tbody>${props.map(([k, v]) => {
      const t = def.properties[k]?.title;
      return html`<tr><th>${t ? html`${t.zh} <span class="en">${t.en}</span>` : html`<code>${k}</code>`}</th><td>${k === 'quality' ? qualityTag(v) : cell(v)}</td></tr>`;
    })}</tbody></table>
<p class="note">几何类型 Geometry: ${f.geometry?.type ?? '—'} · 坐标以 CRS84（经度、纬度）绘制；JSON 可用 <code>crs</code> 参数取 CGCS2000 或高斯-克吕格坐标。Drawn in CRS84; the JSON takes <code>crs</code> for CGCS2000 or Gauss-Krüger coordinates.</p>`,
  );
}
