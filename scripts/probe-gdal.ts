import { gdalInfo, ogr2ogr, stopGdal } from '../api/import/gdal.ts';
console.log(await gdalInfo('/tmp/g3/fx/shp_gbk/parcels.shp'));
const f = await ogr2ogr('/tmp/g3/fx/shp_gbk/parcels.shp', ['-f', 'GeoJSON', '-lco', 'RFC7946=NO']);
console.log(Object.keys(f), new TextDecoder().decode(Object.values(f)[0]).slice(0, 200));
const s = await ogr2ogr('/tmp/g3/fx/sq.gpkg', ['-f', 'ESRI Shapefile', '-lco', 'ENCODING=UTF-8']);
console.log(Object.keys(s));
await gdalInfo('/tmp/nonexist.shp').catch((e) => console.log('err', e.message));
await stopGdal();
