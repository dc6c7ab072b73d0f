/** The HTML report's stylesheet: inline, no web fonts or images; a table that becomes cards on a phone. */
export const STYLE = `
:root{--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--warn-bg:#fff1e5;--warn:#bc4c00;--danger:#cf222e;
--c-changed-pr:#1a7f37;--c-changed:#4ac26b;--c-unchanged:#8c959f;--c-verify-failed:#bf8700;--c-failed:#cf222e;--c-skipped:#8250df;--c-pending:#0969da;
--add:#dafbe1;--del:#ffebe9;--hunk:#ddf4ff}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--soft:#151b23;--warn-bg:#3d1d00;--warn:#f0883e;
--add:#12261e;--del:#2d1215;--hunk:#0c2d6b}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1200px;margin:0 auto;padding:16px}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin:1.6em 0 .5em;border-bottom:1px solid var(--line);padding-bottom:.2em}
a{color:#0969da}@media (prefers-color-scheme:dark){a{color:#4493f8}}
.muted{color:var(--muted)}
.banner{border:2px solid var(--warn);background:var(--warn-bg);color:var(--warn);padding:10px 14px;border-radius:6px;font-weight:600;margin:12px 0}
.overview{display:grid;grid-template-columns:minmax(240px,1fr) minmax(280px,1.4fr);gap:16px;align-items:start}
@media (max-width:700px){.overview{grid-template-columns:1fr}}
.headline{width:100%;border-collapse:collapse}
.headline td{padding:4px 6px;border-bottom:1px solid var(--line)}
.headline td.n{text-align:right;font-variant-numeric:tabular-nums;font-weight:600}
.headline button{all:unset;cursor:pointer;display:inline-flex;align-items:center;gap:6px}
.headline button:focus-visible{outline:2px solid #0969da}
.dot{display:inline-block;width:10px;height:10px;border-radius:2px}
svg.chart{width:100%;height:auto;max-width:640px}
svg.chart text{fill:var(--fg);font-size:13px}
table.data{width:100%;border-collapse:collapse;font-size:14px}
table.data th,table.data td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
table.data th{background:var(--soft);position:sticky;top:0;z-index:1}
table.data td.num,table.data th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th button{all:unset;cursor:pointer;font-weight:600}
th button::after{content:" \\2195";color:var(--muted);font-size:.8em}
th[aria-sort=ascending] button::after{content:" \\2191"}th[aria-sort=descending] button::after{content:" \\2193"}
.badge{display:inline-block;padding:0 6px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
.badge.changed-pr{background:var(--c-changed-pr)}.badge.changed{background:var(--c-changed);color:#0b2e13}.badge.unchanged{background:var(--c-unchanged)}
.badge.verify-failed{background:var(--c-verify-failed)}.badge.failed{background:var(--c-failed)}.badge.skipped{background:var(--c-skipped)}.badge.pending{background:var(--c-pending)}
.badge.chosen{background:var(--c-changed-pr)}
table.candidates tr.chosen>td:first-child{box-shadow:inset 3px 0 var(--c-changed-pr)}
.name{font-weight:600;word-break:break-word}
.sub{color:var(--muted);font-size:12px;word-break:break-word}
details>summary{cursor:pointer;color:#0969da}
pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:8px;overflow:auto;max-height:420px;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre;margin:6px 0}
pre.diff code{display:inline-block;min-width:100%;font-size:inherit;word-break:normal}pre.diff span{display:block}pre.diff .a{background:var(--add)}pre.diff .d{background:var(--del)}pre.diff .h{background:var(--hunk)}pre.diff .m{font-weight:600}
.controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0}
.controls input,.controls select{font:inherit;padding:6px 8px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
.controls input{flex:1 1 240px}
.group{border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:8px 0}
.group>summary{color:var(--fg);font-weight:600}
.group ul{margin:6px 0;padding-left:20px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;word-break:break-all}
nav.sections{margin:12px 0;font-size:14px}
footer{margin:32px 0 8px;color:var(--muted);font-size:12px}
@media (max-width:700px){
  main{padding:10px}
  table.data thead{display:block}table.data thead tr{display:flex;flex-wrap:wrap;gap:4px 12px}
  table.data thead th{position:static;border:0;padding:2px 0;background:none}
  table.data,table.data tbody,table.data tr,table.data td{display:block;width:100%}
  table.data tbody tr{border:1px solid var(--line);border-radius:6px;margin:8px 0;padding:4px 0}
  table.data td{border:0;padding:3px 10px}
  table.data td.num{text-align:left}
  table.data td[data-label]::before{content:attr(data-label) ": ";color:var(--muted);font-size:12px}
  table.data td[data-label="#"]{display:none}table.data td[data-label=Details]::before{content:none}
}
`;
