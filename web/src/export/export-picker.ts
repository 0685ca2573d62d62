/**
 * The export control of a layer or an analysis result: format, coordinate system and (Shapefile)
 * encoding, then one button. The choice is remembered for the session, so a planner who exports
 * in Gauss-Krüger for CAD gets it again on the next layer.
 */
import { EXPORT_CRS, EXPORT_ENCODINGS, EXPORT_FORMATS, EXPORT_FORMAT_TITLES, type ExportChoice } from '../../../core/export/formats.ts';
import { IMPORT_CRS_TITLES } from '../../../core/import/detect.ts';
import { h } from '../dom.ts';
import { pick, t } from '../i18n/index.ts';

const last: ExportChoice = { format: 'shp', crs: 'EPSG:4326', encoding: 'UTF-8' };

/** A picker whose button runs `run(choice)`; while it runs the button shows progress, an error is shown beside it. */
export function exportPicker(what: string, run: (choice: ExportChoice) => Promise<void>): HTMLElement {
  const m = t().exporting;
  const format = h('select', { name: 'format', 'aria-label': `${m.format}: ${what}` }, ...EXPORT_FORMATS.map((f) => h('option', { value: f }, pick(EXPORT_FORMAT_TITLES[f])))) as HTMLSelectElement;
  const crs = h('select', { name: 'crs', 'aria-label': `${m.crs}: ${what}` }, ...EXPORT_CRS.map((c) => h('option', { value: c }, `${c} · ${pick(IMPORT_CRS_TITLES[c])}`))) as HTMLSelectElement;
  const encoding = h('select', { name: 'encoding', 'aria-label': `${m.encoding}: ${what}` }, ...EXPORT_ENCODINGS.map((e) => h('option', { value: e }, e === 'GBK' ? m.gbk : e))) as HTMLSelectElement;
  const button = h('button', { type: 'button', class: 'xc-export-button' }, m.export) as HTMLButtonElement;
  const message = h('span', { class: 'xc-export-message', role: 'status' });
  format.value = last.format;
  crs.value = last.crs;
  encoding.value = last.encoding;
  const sync = () => {
    // KML is WGS 84 by its specification; only a Shapefile has an encoding to choose.
    crs.disabled = format.value === 'kml';
    if (crs.disabled) crs.value = 'EPSG:4326';
    encoding.hidden = format.value !== 'shp';
  };
  sync();
  format.addEventListener('change', sync);
  button.addEventListener('click', async () => {
    Object.assign(last, { format: format.value, crs: crs.value, encoding: encoding.value });
    button.disabled = true;
    message.className = 'xc-export-message';
    message.textContent = m.exporting;
    try {
      await run({ ...last });
      message.textContent = '';
    } catch (err) {
      message.className = 'xc-export-message xc-export-error';
      message.textContent = (err as Error).message;
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'xc-export-picker' }, format, crs, encoding, button, message);
}
