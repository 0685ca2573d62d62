/**
 * The analysis tools of the dock, registered up front but loaded on first use: their code (Turf
 * overlays, terra-draw, proj4, KML parsing) is a chunk of its own, so the map's first render does
 * not wait for it.
 */
import { h } from '../dom.ts';
import { t } from '../i18n/index.ts';
import type { Session } from '../session.ts';
import { refreshAnalysisTools, registerAnalysisTool, type AnalysisContext } from './analysis-dock.ts';

/** What a tool panel offers the dock once loaded. */
interface ToolPanel {
  readonly element: HTMLElement;
  open(): unknown;
  close(): void;
}

function registerLazyTool(
  id: string,
  title: { zh: string; en: string },
  load: () => Promise<(ctx: AnalysisContext) => ToolPanel>,
  visible?: () => boolean,
): void {
  let panel: ToolPanel | null = null;
  let isOpen = false;
  registerAnalysisTool({
    id,
    title,
    create(ctx) {
      const host = h('div', { class: 'xc-analysis-loading', role: 'status' }, t().loading);
      load()
        .then((make) => {
          panel = make(ctx);
          host.className = '';
          host.removeAttribute('role');
          host.replaceChildren(panel.element);
          if (isOpen) void panel.open();
        })
        .catch((err: Error) => {
          host.textContent = `${t().loadFailed}: ${err.message}`;
        });
      return host;
    },
    onOpen: () => {
      isOpen = true;
      void panel?.open();
    },
    onClose: () => {
      isOpen = false;
      panel?.close();
    },
    visible,
  });
}

/** Registers compliance review, service coverage, editing and import (planners) and administration (admins) with the analysis dock. */
export function registerAnalysisTools(session: Session): void {
  registerLazyTool('compliance', { zh: '合规审查', en: 'Compliance review' }, async () => {
    const { CompliancePanel } = await import('./compliance-panel.ts');
    return (ctx) => new CompliancePanel(ctx);
  });
  registerLazyTool('coverage', { zh: '服务覆盖', en: 'Service coverage' }, async () => {
    const { CoveragePanel } = await import('./coverage-panel.ts');
    return (ctx) => new CoveragePanel(ctx);
  });
  // Edit tools appear only for those who may edit (planners and admins).
  registerLazyTool(
    'edit',
    { zh: '编辑', en: 'Edit' },
    async () => {
      const { EditPanel } = await import('./edit-panel.ts');
      return (ctx) => new EditPanel(ctx);
    },
    () => session.can('planner'),
  );
  registerLazyTool(
    'import',
    { zh: '导入数据', en: 'Import data' },
    async () => {
      const { ImportPanel } = await import('./import-panel.ts');
      return (ctx) => new ImportPanel(ctx);
    },
    () => session.can('planner'),
  );
  registerLazyTool(
    'admin',
    { zh: '管理', en: 'Admin' },
    async () => {
      const { AdminPanel } = await import('./admin-panel.ts');
      return (ctx) => new AdminPanel(ctx);
    },
    () => session.can('admin'),
  );
  session.on(refreshAnalysisTools);
}
