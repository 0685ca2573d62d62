/** Words of the print-at-scale page and dialog (图框, 图签, grid), in both languages. */
import { getLang } from '../i18n/index.ts';

const text = {
  zh: {
    mapScale: '比例尺',
    currentView: '当前视图',
    titleBlock: '图签',
    project: '项目名称',
    drawingNo: '图号',
    date: '日期',
    drafted: '制图',
    checked: '审核',
    approved: '审定',
    crs: '坐标系：CGCS2000 3度带高斯投影（EPSG:4546），中央经线111°，格网单位：米',
    gridNote: (interval: number) => `方里网间距 ${interval} 米；X = 北坐标，Y = 东坐标`,
    scaleLine: (scale: string) => `比例尺 ${scale}`,
    scaleOfView: '（按当前视图）',
  },
  en: {
    mapScale: 'Scale',
    currentView: 'Current view',
    titleBlock: 'Title block',
    project: 'Project',
    drawingNo: 'Drawing no.',
    date: 'Date',
    drafted: 'Drawn',
    checked: 'Checked',
    approved: 'Approved',
    crs: 'CRS: CGCS2000 3° Gauss-Krüger (EPSG:4546), central meridian 111° E; grid in metres',
    gridNote: (interval: number) => `Grid interval ${interval} m; X = northing, Y = easting`,
    scaleLine: (scale: string) => `Scale ${scale}`,
    scaleOfView: ' (current view)',
  },
};

export const printText = () => text[getLang()];
