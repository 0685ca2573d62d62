/** The `service-doc`: a plain HTML page of the OpenAPI document, served by the app itself (offline, no CDN). */
import { html, raw } from 'hono/html';

type Operation = { summary?: string; description?: string; parameters?: ({ name?: string; in?: string; description?: string; $ref?: string })[]; security?: unknown[] };

export function apiDocsPage(doc: Record<string, unknown>) {
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  const info = doc.info as { title: string; description: string };
  const params = ((doc.components as { parameters: Record<string, { name: string; in: string; description?: string }> }).parameters);
  const rows = Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const ps = (op.parameters ?? []).map((p) => (p.$ref ? params[p.$ref.split('/').pop()!] : p)).filter(Boolean) as { name: string; in: string }[];
      return html`<tr><td><code>${method.toUpperCase()}</code></td><td><code>${path}</code></td><td>${op.summary ?? ''}${op.security ? raw(' <small>(signed in)</small>') : ''}</td><td>${ps.map((p) => `${p.name} (${p.in})`).join(', ')}</td></tr>`;
    }),
  );
  return html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${info.title}</title>
<style>body{font:14px/1.5 system-ui,'Noto Sans CJK SC',sans-serif;margin:2em;max-width:1200px}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}table{border-collapse:collapse}code{font-size:13px}</style></head>
<body><h1>${info.title}</h1><p>${info.description}</p>
<p>The machine-readable definition: <a href="openapi">openapi</a> (OpenAPI 3.0, JSON).</p>
<table><thead><tr><th>Method</th><th>Path</th><th>What</th><th>Parameters</th></tr></thead><tbody>${rows}</tbody></table></body></html>`;
}
