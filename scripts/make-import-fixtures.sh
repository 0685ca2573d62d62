#!/usr/bin/env bash
# Makes the import fixtures in tests/fixtures/import/ with Debian's gdal-bin (ogr2ogr) and python3.
# Two parcels whose true areas are known: 地块一 a 100 m × 100 m square (1 ha) and 地块二 a
# 200 m × 100 m rectangle (2 ha), drawn in EPSG:4546 (CGCS2000 3° Gauss-Krüger, CM 111° E) just
# south-west of the built-up area, and written in every office format. Run it again to remake them.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=tests/fixtures/import
rm -rf "$OUT" && mkdir -p "$OUT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

cat > "$TMP/parcels.csv" <<'CSV'
WKT,项目名称,编号,用地性质
"POLYGON((559000 4524000,559100 4524000,559100 4524100,559000 4524100,559000 4524000))",新城区测试地块一,1,公园绿地
"POLYGON((560500 4525000,560700 4525000,560700 4525100,560500 4525100,560500 4525000))",北二环测试地块二,2,居住用地
CSV
ogr2ogr -q -f GPKG "$TMP/base.gpkg" "$TMP/parcels.csv" -oo GEOM_POSSIBLE_NAMES=WKT -oo KEEP_GEOM_COLUMNS=NO -oo AUTODETECT_TYPE=YES -a_srs EPSG:4546 -nln parcels -nlt POLYGON
src() { ogr2ogr -q "$@" "$TMP/base.gpkg" -nln parcels; }

# Shapefile, GBK attributes, EPSG:4546 .prj, with and without the .cpg.
src -f "ESRI Shapefile" "$TMP/shp" -lco ENCODING=GBK
(cd "$TMP/shp" && zip -q "$OLDPWD/$OUT/parcels-gbk-4546.zip" parcels.shp parcels.shx parcels.dbf parcels.prj parcels.cpg)
(cd "$TMP/shp" && zip -q "$OLDPWD/$OUT/parcels-gbk-nocpg.zip" parcels.shp parcels.shx parcels.dbf parcels.prj)
# Broken Shapefiles: no .shx; no .dbf.
(cd "$TMP/shp" && zip -q "$OLDPWD/$OUT/broken-no-shx.zip" parcels.shp parcels.dbf parcels.prj parcels.cpg)
(cd "$TMP/shp" && zip -q "$OLDPWD/$OUT/broken-no-dbf.zip" parcels.shp parcels.shx parcels.prj)
# GeoPackage in CGCS2000 geographic (EPSG:4490).
src -f GPKG "$OUT/parcels-4490.gpkg" -t_srs EPSG:4490
# Esri FileGDB (a zipped .gdb folder) in EPSG:4546.
src -f OpenFileGDB "$TMP/parcels.gdb"
(cd "$TMP" && zip -qr "$OLDPWD/$OUT/parcels-filegdb.zip" parcels.gdb)
# DXF in Gauss-Krüger coordinates (DXF has no CRS; the CAD layer is kept as a field).
# Closed polylines (LWPOLYLINE), each on a CAD layer named after its land use.
ogr2ogr -q -f DXF "$OUT/parcels-4546.dxf" "$TMP/base.gpkg" -dialect sqlite \
  -sql 'SELECT ST_ExteriorRing(geom) AS geom, "用地性质" AS Layer FROM parcels' -nlt LINESTRING 2>/dev/null
# As a Chinese AutoCAD saves it before R2007: GBK text, code page ANSI_936.
python3 - "$OUT/parcels-4546.dxf" <<'PY'
import sys
p = sys.argv[1]
text = open(p, encoding="utf-8").read().replace("ANSI_1252", "ANSI_936")
open(p, "w", encoding="gbk", newline="").write(text)
PY
# KMZ (Google Earth): a zipped doc.kml in lon/lat.
src -f KML "$TMP/doc.kml" -t_srs EPSG:4326 -dsco NameField=项目名称
(cd "$TMP" && zip -q "$OLDPWD/$OUT/parcels.kmz" doc.kml)
# GeoJSON with the legacy crs member (as QGIS/GDAL write EPSG:4546 files).
src -f GeoJSON "$OUT/parcels-crs-4546.geojson" -lco RFC7946=NO -lco COORDINATE_PRECISION=3
# 界址点 list as a surveyor's spreadsheet saves it: GBK, one row per vertex, X = northing, Y = easting,
# vertex numbers J1… (the 1 ha parcel listed out of order, the 2 ha one closed by repeating J1).
python3 - "$OUT/parcels-vertices.csv" <<'PY'
import sys
rows = ["地块编号,项目名称,点号,X,Y",
  "DK-01,新城区测试地块一,J3,4524100.000,559100.000",
  "DK-01,新城区测试地块一,J1,4524000.000,559000.000",
  "DK-01,新城区测试地块一,J4,4524100.000,559000.000",
  "DK-01,新城区测试地块一,J2,4524000.000,559100.000",
  "DK-02,北二环测试地块二,J1,4525000.000,560500.000",
  "DK-02,北二环测试地块二,J2,4525000.000,560700.000",
  "DK-02,北二环测试地块二,J3,4525100.000,560700.000",
  "DK-02,北二环测试地块二,J4,4525100.000,560500.000",
  "DK-02,北二环测试地块二,J5,4525000.000,560500.000"]
open(sys.argv[1], "w", encoding="gbk", newline="").write("\r\n".join(rows) + "\r\n")
PY
# Problems to list: a self-intersecting bow-tie, an exact duplicate, no geometry, a site in Beijing.
cat > "$OUT/problems.geojson" <<'JSON'
{"type":"FeatureCollection","features":[
{"type":"Feature","id":1,"properties":{"名称":"正常地块"},"geometry":{"type":"Polygon","coordinates":[[[111.70,40.85],[111.701,40.85],[111.701,40.851],[111.70,40.851],[111.70,40.85]]]}},
{"type":"Feature","id":2,"properties":{"名称":"自相交地块"},"geometry":{"type":"Polygon","coordinates":[[[111.71,40.85],[111.711,40.851],[111.711,40.85],[111.71,40.851],[111.71,40.85]]]}},
{"type":"Feature","id":3,"properties":{"名称":"重复地块"},"geometry":{"type":"Polygon","coordinates":[[[111.70,40.85],[111.701,40.85],[111.701,40.851],[111.70,40.851],[111.70,40.85]]]}},
{"type":"Feature","id":4,"properties":{"名称":"无位置"},"geometry":null},
{"type":"Feature","id":5,"properties":{"名称":"北京的地块"},"geometry":{"type":"Point","coordinates":[116.39,39.91]}}
]}
JSON
# 0 features.
printf '{"type":"FeatureCollection","features":[]}\n' > "$OUT/broken-empty.geojson"
# Not a zip at all, but named like one.
printf 'PK\003\004 this is not really a zip file' > "$OUT/broken-corrupt.zip"
# A zip with an entry that climbs out of its folder (zip-slip), and a zip bomb (8 MB of zeros).
python3 - "$OUT" <<'PY'
import sys, zipfile
out = sys.argv[1]
with zipfile.ZipFile(f"{out}/broken-zip-slip.zip", "w") as z:
    z.writestr("../../evil.txt", "escaped")
    z.writestr("parcels.geojson", '{"type":"FeatureCollection","features":[]}')
with zipfile.ZipFile(f"{out}/broken-zip-bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("bomb.geojson", b"\0" * (8 * 1024 * 1024))
PY
ls -la "$OUT"
