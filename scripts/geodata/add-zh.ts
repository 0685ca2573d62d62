// Adds the Chinese texts (scripts/geodata/zh.ts) to every dataset in geodata/ as the files are,
// without rebuilding them: `npx tsx scripts/geodata/add-zh.ts` (build.ts does the same on writing).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GEODATA, nameLookup, writeDatasetFiles } from './lib.ts';
import { addFeatureZh, provenanceZh } from './zh.ts';

for (const dataset of fs.readdirSync(GEODATA).sort()) {
  const file = path.join(GEODATA, dataset, `${dataset}.geojson`);
  if (!fs.existsSync(file)) continue;
  const fc = JSON.parse(fs.readFileSync(file, 'utf8'));
  const provenance = JSON.parse(fs.readFileSync(path.join(GEODATA, dataset, 'provenance.json'), 'utf8'));
  addFeatureZh(fc.features, nameLookup(fc.features));
  writeDatasetFiles(dataset, fc.features, provenanceZh(dataset, provenance));
  const missing = fc.features.filter((f: { properties: Record<string, unknown> }) => !f.properties.source_zh).length;
  console.log(`${dataset}: ${fc.features.length} features, ${missing} without source_zh`);
}
