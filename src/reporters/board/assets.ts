/**
 * The board page's stylesheet and script, inlined into every page (no network, no CDN). The script only adds
 * what needs it — filters, per-rule counts for the filtered rows, arrow keys in the heat map, Escape for a tip —
 * and the page reads completely without it. Both are pinned by hash in the page's Content-Security-Policy.
 */

export const BOARD_CSS = `
:root{color-scheme:light;--ink:#1d232b;--muted:#515b66;--line:#c9d0d8;--link:#0b57d0;--focus:#0b57d0;--paper:#fff;--band:#f4f6f8;
--pass-bg:#e3f3e6;--pass:#1b5e2a;--fail-bg:#fbe3e4;--fail:#8f1119;--warn-bg:#fff1c2;--warn:#674800;
--waived-bg:#e8ecf1;--waived:#354150;--error-bg:#f1e6fa;--error:#5a1f8a;--skip:#5b636d}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--ink);background:var(--paper)}
a{color:var(--link)}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:.5rem;top:-3rem;background:var(--ink);color:#fff;padding:.5rem .75rem;border-radius:4px;z-index:20}
.skip:focus{top:.5rem}
.wrap{max-width:1240px;margin:0 auto;padding:0 1rem}
header.top{background:var(--band);border-bottom:1px solid var(--line);padding:1rem 0 .75rem}
h1{font-size:1.45rem;margin:0 0 .25rem}
h2{font-size:1.2rem;margin:0 0 .5rem}
h3{font-size:1rem;margin:1.25rem 0 .5rem}
.run,.note,.muted{color:var(--muted)}
.run{margin:0 0 .75rem}
.stats{display:flex;flex-wrap:wrap;gap:.5rem;margin:0;padding:0;list-style:none}
.stats li{background:var(--paper);border:1px solid var(--line);border-radius:6px;padding:.4rem .7rem;min-width:9rem}
.stats b{display:block;font-size:1.05rem}
.stats span{color:var(--muted);font-size:.85rem}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .75rem;margin:.75rem 0 0;font-size:.85rem}
dl.kv dt{color:var(--muted)}
dl.kv dd{margin:0;overflow-wrap:anywhere}
nav.toc ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;margin:.75rem 0 0;padding:0}
main{padding:.5rem 0 3rem}
main:focus{outline:none}
section{margin:1.5rem 0 2rem}
.notice{border-left:4px solid var(--warn);background:var(--warn-bg);padding:.5rem .75rem;margin:.5rem 0}
.scroll{overflow-x:auto;max-width:100%;border:1px solid var(--line);border-radius:6px}
.scroll.fit{width:fit-content}
table{border-collapse:collapse;width:100%;font-size:.9rem}
caption{text-align:left;padding:.5rem .6rem;color:var(--muted);caption-side:top}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
tbody th{font-weight:400}
table.list tbody th{white-space:nowrap}
thead th{background:var(--band);font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums}
table.heat{width:auto}
table.heat thead th.rule{vertical-align:bottom;padding:.4rem .2rem;width:2.4rem}
table.heat thead th.rule span{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;display:inline-block;max-height:17rem;overflow:hidden;text-overflow:ellipsis;font-weight:600}
table.heat tbody th{font-weight:400;min-width:15rem;max-width:28rem;position:sticky;left:0;background:var(--paper);z-index:1;border-right:1px solid var(--line)}
.key{font-weight:600;margin-right:.35rem}
.meta{display:block;color:var(--muted);font-size:.8rem}
td.c{text-align:center;vertical-align:middle;font-size:1rem;padding:.3rem 0;width:2.4rem;cursor:default;position:relative}
td.c:focus{outline:3px solid var(--focus);outline-offset:-3px}
td.c{scroll-margin-bottom:9rem}
.pass{background:var(--pass-bg);color:var(--pass)}
.fail{background:var(--fail-bg);color:var(--fail)}
.warning{background:var(--warn-bg);color:var(--warn)}
.waived{background:var(--waived-bg);color:var(--waived)}
.error{background:var(--error-bg);color:var(--error)}
.skipped{color:var(--skip)}
.sr,.tip{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
td.c:hover .tip,td.c:focus .tip{position:fixed;left:50%;bottom:1rem;transform:translateX(-50%);width:min(42rem,calc(100vw - 2rem));height:auto;margin:0;clip:auto;overflow:visible;white-space:normal;
background:var(--ink);color:#fff;padding:.6rem .8rem;border-radius:6px;box-shadow:0 4px 18px rgba(0,0,0,.3);text-align:left;font-size:.9rem;z-index:30}
.quiet td.c .tip{display:none}
.tip b{display:block}
.tip i{display:block;margin-top:.25rem;font-style:normal;color:#d6dde5}
.badge{display:inline-block;border-radius:999px;padding:0 .5rem;font-size:.8rem;font-weight:600;white-space:nowrap}
.badge.pass,.badge.fail,.badge.warning,.badge.error,.badge.waived{border:1px solid currentColor}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:.5rem 0 .75rem}
form.filters label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
form.filters select{font:inherit;color:var(--ink);min-width:9rem;max-width:16rem;padding:.25rem;border:1px solid #767f8a;border-radius:4px;background:var(--paper)}
form.filters button{font:inherit;padding:.3rem .8rem;border:1px solid #767f8a;border-radius:4px;background:var(--paper);color:var(--ink);cursor:pointer}
output{font-size:.9rem;color:var(--muted)}
.bar{display:block;height:.6rem;width:8rem}
.bar rect.all{fill:var(--band);stroke:var(--line)}
.bar rect.miss{fill:var(--fail)}
.legend{display:flex;flex-wrap:wrap;gap:.35rem .75rem;margin:.25rem 0 .5rem;padding:0;list-style:none;font-size:.85rem}
.legend li span{display:inline-block;min-width:1.6rem;text-align:center;border-radius:4px;margin-right:.25rem}
.timeline{margin:.5rem 0}
.timeline svg{width:100%;height:46px;display:block}
.timeline .track{fill:var(--band);stroke:var(--line)}
.timeline .valid{fill:var(--warn-bg);stroke:var(--warn)}
.timeline .tick{stroke:var(--ink);stroke-width:2}
.timeline .track,.timeline .valid{stroke-width:1}
.timeline .today{stroke:var(--link);stroke-width:4}
.points{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;margin:.25rem 0;padding:0;list-style:none;font-size:.9rem}
.points b{font-weight:600}
ul.findings{margin:0;padding-left:1.1rem}
ul.findings li{margin:.1rem 0}
.hint{display:block;color:var(--muted);font-size:.82rem}
.nowrap{white-space:nowrap}
@media (max-width:640px){body{font-size:14px}.wrap{padding:0 .6rem}table.heat tbody th{min-width:10rem;max-width:12rem}
.stats li{min-width:0;flex:1 1 40%}table.list thead{display:none}table.list,table.list tbody,table.list tr,table.list td,table.list th{display:block;width:100%}
table.list tr{border-bottom:1px solid var(--line);padding:.4rem 0}table.list td,table.list th{border:0;padding:.1rem .6rem}
table.list td[data-label]::before{content:attr(data-label) ": ";color:var(--muted)}}
@media print{body{font-size:10pt}.skip,nav.toc,form.filters,noscript,.tip,.no-print{display:none!important}
header.top{background:none;border:0}.scroll{overflow:visible;border:0}table.heat tbody th{position:static}tr[hidden]{display:table-row!important}
thead{display:table-header-group}tr,li{break-inside:avoid}section{break-before:auto}a{color:inherit;text-decoration:none}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
`.trim();

export const BOARD_SCRIPT = `
(function () {
  "use strict";
  var dataEl = document.getElementById("board-data");
  var heat = document.getElementById("heat");
  if (!dataEl || !heat) return;
  var data = JSON.parse(dataEl.textContent || "{}");
  var rows = Array.prototype.slice.call(heat.tBodies[0] ? heat.tBodies[0].rows : []);
  var form = document.getElementById("filters");
  var shown = document.getElementById("shown");
  var CODES = { p: "pass", f: "fail", w: "warning", v: "waived", s: "skipped", e: "error" };

  function matches(entry) {
    if (!form) return true;
    var f = form.elements;
    if (f.state.value && entry[0] !== f.state.value) return false;
    if (f.project.value && entry[1] !== f.project.value) return false;
    if (f.assignee.value && entry[2] !== f.assignee.value) return false;
    if (f.label.value && entry[3].indexOf(f.label.value) < 0) return false;
    if (f.ready.value === "not-ready" && entry[5] === 1) return false;
    if (f.ready.value === "ready" && entry[5] !== 1) return false;
    return true;
  }

  function apply() {
    var visible = 0;
    var counts = data.rules.map(function () { return { pass: 0, fail: 0, warning: 0, waived: 0, skipped: 0, error: 0 }; });
    rows.forEach(function (tr, i) {
      var entry = data.rows[i];
      var show = matches(entry);
      tr.hidden = !show;
      if (!show) return;
      visible += 1;
      for (var r = 0; r < data.rules.length; r += 1) counts[r][CODES[entry[4].charAt(r)]] += 1;
    });
    if (shown) shown.textContent = visible + " of " + rows.length + " issues shown";
    var cells = document.querySelectorAll("[data-count]");
    for (var k = 0; k < cells.length; k += 1) {
      var at = cells[k].getAttribute("data-count").split(":");
      cells[k].textContent = String(counts[Number(at[0])][at[1]]);
    }
    var bars = document.querySelectorAll("[data-bar]");
    for (var b = 0; b < bars.length; b += 1) {
      var c = counts[Number(bars[b].getAttribute("data-bar"))];
      var missed = c.fail + c.error + c.warning;
      bars[b].setAttribute("width", String(visible === 0 ? 0 : Math.round((100 * missed) / visible)));
    }
    var current = heat.querySelector("td.c[tabindex='0']");
    if (!current || current.parentNode.hidden) focusable(firstVisibleCell());
  }

  function firstVisibleCell() {
    for (var i = 0; i < rows.length; i += 1) if (!rows[i].hidden && rows[i].cells[1]) return rows[i].cells[1];
    return null;
  }

  function focusable(cell) {
    var all = heat.querySelectorAll("td.c");
    for (var i = 0; i < all.length; i += 1) all[i].setAttribute("tabindex", "-1");
    if (cell) cell.setAttribute("tabindex", "0");
  }

  function move(cell, dr, dc) {
    var tr = cell.parentNode;
    var col = cell.cellIndex;
    var r = rows.indexOf(tr);
    if (dc !== 0) {
      var next = tr.cells[col + dc];
      return next && next.classList.contains("c") ? next : cell;
    }
    for (var i = r + dr; i >= 0 && i < rows.length; i += dr) if (!rows[i].hidden) return rows[i].cells[col];
    return cell;
  }

  heat.addEventListener("keydown", function (event) {
    var cell = event.target;
    if (!cell.classList || !cell.classList.contains("c")) return;
    var next = null;
    if (event.key === "ArrowRight") next = move(cell, 0, 1);
    else if (event.key === "ArrowLeft") next = move(cell, 0, -1);
    else if (event.key === "ArrowDown") next = move(cell, 1, 0);
    else if (event.key === "ArrowUp") next = move(cell, -1, 0);
    else if (event.key === "Home") next = cell.parentNode.cells[1];
    else if (event.key === "End") next = cell.parentNode.cells[cell.parentNode.cells.length - 1];
    else if (event.key === "Escape") { heat.classList.add("quiet"); return; }
    if (!next) return;
    event.preventDefault();
    heat.classList.remove("quiet");
    focusable(next);
    next.focus();
  });
  heat.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("c")) focusable(event.target);
  });
  heat.addEventListener("mouseover", function () { heat.classList.remove("quiet"); });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") heat.classList.add("quiet"); });

  if (form) {
    form.hidden = false;
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }
  apply();
})();
`.trim();
