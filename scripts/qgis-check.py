#!/usr/bin/python3
"""QGIS reads the API (issue 11): every collection as an OGC API – Features layer.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/qgis-check.py http://127.0.0.1:8080/api [PNG_DIR]

Needs QGIS's Python bindings (Debian: apt-get install python3-qgis). For every collection listed
by GET {base}/collections, a QgsVectorLayer with the "OAPIF" provider must be valid; the features
QGIS reads must be as many as the API's numberMatched; every property of GET …/schema must be a
field; and the layer, drawn by QGIS's map renderer at 400×400 on its extent, must not be blank
(a PNG per collection goes to PNG_DIR, default a temporary folder). A collection whose features
have no geometry (indicators) cannot be drawn: it is checked for validity, count and fields only,
and the table says so. Then one point feature is read through QGIS and its coordinates compared
with the API's CRS84 ones and with the API's crs=EPSG:4490 / EPSG:4546 answers (axis order).

Prints a table; exits 1 on any failure (with what QGIS logged), 0 otherwise.
"""
import json
import os
import sys
import tempfile
import urllib.parse
import urllib.request

os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')

from qgis.core import (  # noqa: E402  (after the platform is set)
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDataSourceUri,
    QgsFeatureRequest,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsProviderRegistry,
    QgsRectangle,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

SIZE = 400
BACKGROUND = QColor(255, 255, 255)


def get_json(url):
    req = urllib.request.Request(url, headers={'Accept': 'application/json'})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.load(r)


def oapif_uri(base, typename):
    """The data source of an OAPIF layer as QGIS 3.22 reads it (QgsWFSDataSourceURI): the landing
    page, the collection id, paging on, and every feature (not only those of the current view)."""
    uri = QgsDataSourceUri()
    uri.setParam('url', base)
    uri.setParam('typename', typename)
    uri.setParam('pagingEnabled', 'true')
    uri.setParam('restrictToRequestBBOX', '0')
    return uri.uri(False)


def blank_pixels(image):
    """Pixels that are not the background colour (the image is ARGB32)."""
    image = image.convertToFormat(image.Format_ARGB32)
    bg = BACKGROUND.rgb()
    ptr = image.constBits()
    ptr.setsize(image.sizeInBytes())
    data = bytes(ptr)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    n = 0
    for y in range(height):
        row = data[y * stride:y * stride + width * 4]
        for x in range(0, width * 4, 4):
            # little-endian ARGB32: B, G, R, A
            if (0xFF << 24 | row[x + 2] << 16 | row[x + 1] << 8 | row[x]) != bg:
                n += 1
    return n


def render(layer, path):
    """Draws the layer on its extent (a little wider) at SIZE×SIZE; returns the non-background pixels."""
    extent = QgsRectangle(layer.extent())
    if extent.isEmpty():  # a single point
        extent = QgsRectangle(extent.xMinimum() - 0.01, extent.yMinimum() - 0.01, extent.xMaximum() + 0.01, extent.yMaximum() + 0.01)
    extent.scale(1.05)
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(extent)
    settings.setOutputSize(QSize(SIZE, SIZE))
    settings.setBackgroundColor(BACKGROUND)
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(path, 'PNG')
    errors = [f'{e.layerID}: {e.message}' for e in job.errors()]
    return blank_pixels(image), errors


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip().split('\n\n')[1], file=sys.stderr)
        return 2
    base = sys.argv[1].rstrip('/')
    png_dir = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix='qgis-check-')
    os.makedirs(png_dir, exist_ok=True)

    app = QgsApplication([], False)
    app.initQgis()
    log = []
    app.messageLog().messageReceived.connect(lambda msg, tag, level: log.append(f'[{tag or "-"} {int(level)}] {msg}'))
    if 'OAPIF' not in QgsProviderRegistry.instance().providerList():
        print('QGIS has no OAPIF provider (qgis-providers missing?)')
        return 1
    print(f'QGIS {Qgis.QGIS_VERSION}; API {base}; PNGs in {png_dir}')

    failures = []
    warnings = []
    rows = []
    layers = {}
    collections = get_json(f'{base}/collections')['collections']
    for c in collections:
        cid = c['id']
        matched = get_json(f'{base}/collections/{cid}/items?limit=1')['numberMatched']
        schema = get_json(f'{base}/collections/{cid}/schema')
        declared = [k for k, v in schema.get('properties', {}).items() if not str(v.get('x-ogc-role', '')).endswith('geometry')]
        logged = len(log)
        layer = QgsVectorLayer(oapif_uri(base, cid), cid, 'OAPIF')
        row = {'id': cid, 'valid': layer.isValid(), 'matched': matched, 'count': None, 'featureCount': None, 'missing': [], 'pixels': None, 'note': ''}
        rows.append(row)
        if not layer.isValid():
            failures.append(f'{cid}: not a valid OAPIF layer; QGIS logged:\n  ' + '\n  '.join(log[logged:] or ['(nothing)']))
            continue
        layers[cid] = layer
        fields = [f.name() for f in layer.fields()]
        row['missing'] = [k for k in declared if k not in fields]
        if row['missing']:
            failures.append(f'{cid}: properties of the schema that QGIS has no field for: {row["missing"]} (QGIS fields: {fields})')
        # featureCount() may be -1 (unknown) before the features are read: count them by reading.
        count = 0
        with_geometry = 0
        other_types = {}  # geometries of another type than the layer's: QGIS does not draw them
        for f in layer.getFeatures():
            count += 1
            if f.hasGeometry() and not f.geometry().isEmpty():
                with_geometry += 1
                if f.geometry().type() != layer.geometryType():
                    name = QgsWkbTypes.displayString(f.geometry().wkbType())
                    other_types[name] = other_types.get(name, 0) + 1
        row['count'] = count
        row['featureCount'] = layer.featureCount()
        if count != matched:
            failures.append(f'{cid}: QGIS read {count} features, the API says numberMatched {matched}')
        if row['featureCount'] not in (-1, matched):
            failures.append(f'{cid}: QGIS featureCount() {row["featureCount"]}, the API says numberMatched {matched}')
        if with_geometry == 0:
            row['note'] = 'not drawn: no feature has a geometry'
            if layer.geometryType() not in (QgsWkbTypes.NullGeometry, QgsWkbTypes.UnknownGeometry):
                row['note'] += f' (QGIS took it as {QgsWkbTypes.displayString(layer.wkbType())})'
            continue
        row['note'] = f'{QgsWkbTypes.displayString(layer.wkbType())} layer, {with_geometry} with geometry'
        if other_types:
            others = ', '.join(f'{n} {t}' for t, n in sorted(other_types.items()))
            row['note'] += f'; NOT DRAWN: {others}'
            # Through GDAL (QGIS's "ogr" provider) the collection splits into one layer per geometry type.
            via_gdal = []
            for t, n in sorted(other_types.items()):
                sub = QgsVectorLayer(f'OAPIF:{base}|layername={cid}|geometrytype={t}', f'{cid} {t}', 'ogr')
                got = sum(1 for _ in sub.getFeatures()) if sub.isValid() else None
                via_gdal.append(f'{t} {got}/{n}')
                if got != n:
                    failures.append(f'{cid}: through GDAL (ogr provider, geometrytype={t}) QGIS reads {got} features, the API has {n}')
                del sub
            warnings.append(
                f'{cid}: QGIS made it a {QgsWkbTypes.displayString(layer.wkbType())} layer (a QGIS layer has one geometry type; '
                f'3.22\'s OAPIF provider takes it from the first features it reads), so it does not draw its {others}: '
                f'they are read, with their geometry, but a {QgsWkbTypes.geometryDisplayString(layer.geometryType())} symbol cannot draw them. '
                f'Opened through GDAL instead (source "OAPIF:{base}|layername={cid}|geometrytype=…", provider "ogr"), '
                f'QGIS has one layer per geometry type: read {", ".join(via_gdal)}.'
            )
        QgsProject.instance().addMapLayer(layer, False)
        pixels, errors = render(layer, os.path.join(png_dir, f'{cid}.png'))
        row['pixels'] = pixels
        if errors:
            failures.append(f'{cid}: the renderer reported {errors}')
        if pixels == 0:
            failures.append(f'{cid}: the rendered PNG is blank ({png_dir}/{cid}.png); QGIS logged:\n  ' + '\n  '.join(log[logged:] or ['(nothing)']))

    print()
    head = f'{"collection":<14} {"valid":<5} {"read/numberMatched":>18} {"featureCount()":>14} {"fields missing":<16} {"drawn pixels":>12}  note'
    print(head)
    print('-' * len(head))
    for r in rows:
        counted = f'{r["count"]}/{r["matched"]}' if r['count'] is not None else f'-/{r["matched"]}'
        ok = 'ok' if r['count'] == r['matched'] else 'WRONG'
        print(
            f'{r["id"]:<14} {"yes" if r["valid"] else "NO":<5} {counted + " " + ok:>18} {str(r["featureCount"]):>14} '
            f'{(", ".join(r["missing"]) or "none"):<16} {("-" if r["pixels"] is None else str(r["pixels"])):>12}  {r["note"]}'
        )

    print()
    axis_failures = check_point(base, collections, layers)
    failures += axis_failures

    print()
    for w in warnings:
        print(f'WARNING: {w}')
    # Layers go before QGIS does (else Python deletes them after exitQgis and the process crashes).
    QgsProject.instance().removeAllMapLayers()
    layers.clear()
    layer = None
    if failures:
        print(f'FAILED ({len(failures)}):')
        for f in failures:
            print(f'- {f}')
        app.exitQgis()
        return 1
    print(f'OK: {len(rows)} collections valid in QGIS with the API\'s counts and fields; every layer with geometry drawn (not blank); coordinates and axis order agree.')
    app.exitQgis()
    return 0


def check_point(base, collections, layers):
    """One Point feature read through QGIS against the API's coordinates in CRS84, EPSG:4490 and EPSG:4546."""
    failures = []
    # QGIS 3.22's OAPIF provider asks only for CRS84: no crs=/bbox-crs= (Part 2: QGIS PRs #50468, 3.28, and #52366, 3.32).
    print('Coordinates: QGIS 3.22\'s OAPIF provider requests CRS84 only (it sends no crs= or bbox-crs= and '
          'ignores storageCrs), so QGIS cannot ask the API for EPSG:4490/4546 itself. The point QGIS read in '
          'CRS84 is compared with the API\'s CRS84 answer, then transformed by QGIS (PROJ) into EPSG:4490 and '
          'EPSG:4546 and compared with the API\'s crs= answers, reading the API\'s axes in EPSG order.')
    for c in collections:
        layer = layers.get(c['id'])
        if layer is None:
            continue
        page = get_json(f'{base}/collections/{c["id"]}/items?limit=5000')
        features = page['features']
        # a Point feature with a string property whose value no other feature has, to find it in QGIS
        for feat in features:
            if not feat.get('geometry') or feat['geometry']['type'] != 'Point':
                continue
            for key, value in feat['properties'].items():
                if isinstance(value, str) and sum(1 for o in features if o['properties'].get(key) == value) == 1 and key in layer.fields().names():
                    return compare_point(base, c['id'], layer, feat, key, value)
    failures.append('no collection has a Point feature with a unique string property to compare coordinates on')
    return failures


def compare_point(base, cid, layer, feat, key, value):
    failures = []
    request = QgsFeatureRequest().setFilterExpression(f'"{key}" = \'{value.replace(chr(39), chr(39) * 2)}\'')
    found = list(layer.getFeatures(request))
    if len(found) != 1:
        return [f'{cid}: QGIS finds {len(found)} features with {key} = {value!r}, expected 1']
    point = found[0].geometry().asPoint()
    lon, lat = feat['geometry']['coordinates'][:2]
    fid = urllib.parse.quote(str(feat['id']), safe='')
    print(f'{cid}/{feat["id"]} ({key} = {value}):')
    print(f'  layer CRS in QGIS: {layer.crs().authid()} ({layer.crs().description()})')
    print(f'  QGIS x, y          {point.x():.7f}, {point.y():.7f}')
    print(f'  API CRS84 lon, lat {lon:.7f}, {lat:.7f}')
    if abs(point.x() - lon) > 1e-9 or abs(point.y() - lat) > 1e-9:
        failures.append(f'{cid}/{feat["id"]}: QGIS reads ({point.x()}, {point.y()}), the API says lon/lat ({lon}, {lat})')
    for code, tol, unit in (('EPSG:4490', 1e-7, '°'), ('EPSG:4546', 0.01, 'm')):
        target = QgsCoordinateReferenceSystem(code)
        xy = QgsCoordinateTransform(layer.crs(), target, QgsProject.instance()).transform(point)
        api = get_json(f'{base}/collections/{cid}/items/{fid}?crs={urllib.parse.quote(code)}')['geometry']['coordinates']
        # QGIS keeps x = east/longitude internally; EPSG order is latitude/northing first when hasAxisInverted().
        inverted = target.hasAxisInverted()
        expected = [xy.y(), xy.x()] if inverted else [xy.x(), xy.y()]
        diff = max(abs(api[0] - expected[0]), abs(api[1] - expected[1]))
        print(f'  {code}: QGIS says axis inverted (north first): {inverted}; QGIS-transformed in EPSG order '
              f'{expected[0]:.7f}, {expected[1]:.7f}; API crs={code} {api[0]:.7f}, {api[1]:.7f}; difference {diff:.2g} {unit}')
        if diff > tol:
            failures.append(f'{cid}/{feat["id"]} in {code}: the API gives {api[:2]}, QGIS (in EPSG axis order) {expected}')
    return failures


if __name__ == '__main__':
    sys.exit(main())
