/** The page around Evidently's report (evidentlyPanel.ts says why it is built so); no VS Code API, so its test runs in plain Node. */
export function evidentlyPage(report: string, title: string): string {
  // The frame document inherits this CSP: inline scripts and styles only (the report's own), no network.
  const csp = ["default-src 'none'", "script-src 'unsafe-inline' 'unsafe-eval'", "style-src 'unsafe-inline'", 'img-src data: blob:', 'font-src data:'].join('; ');
  const attribute = report.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  const label = title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <title>${label}</title>
    <style>html, body { margin: 0; padding: 0; height: 100%; background: #fff; } iframe { border: 0; width: 100%; height: 100%; display: block; }</style>
  </head>
  <body>
    <iframe title="${label}" sandbox="allow-scripts" referrerpolicy="no-referrer" srcdoc="${attribute}"></iframe>
  </body>
</html>`;
}
