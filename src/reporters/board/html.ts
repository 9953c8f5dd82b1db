import { createHash } from "node:crypto";
import type {
  BacklogRow,
  BacklogSection,
  BoardCell,
  BoardData,
  CellStatus,
  ReleaseSection,
  ReviewRow,
  ReviewSection,
} from "../../board/board.js";
import type { StagingState } from "../../staging/result.js";
import { STAGING_STATE } from "../staging/states.js";
import { BOARD_CSS, BOARD_SCRIPT } from "./assets.js";
import { href, html, jsonForScript } from "./escape.js";
import { plural } from "../../text/plural.js";

export interface BoardRenderOptions {
  /** Seconds between reloads (bfd serve's /board); none: a static page. */
  refreshSeconds?: number;
}

/** Symbols as the terminal shows them (src/reporters/pretty.ts), words beside them: colour is never the only signal. */
export const CELL: Record<CellStatus, { symbol: string; word: string; code: string }> = {
  fail: { symbol: "✖", word: "fail", code: "f" },
  error: { symbol: "!", word: "error", code: "e" },
  warning: { symbol: "⚠", word: "warning", code: "w" },
  waived: { symbol: "◌", word: "waived", code: "v" },
  pass: { symbol: "✔", word: "pass", code: "p" },
  skipped: { symbol: "–", word: "skipped", code: "s" },
};

const VERDICT: Record<ReviewRow["verdict"], { symbol: string; word: string; css: string }> = {
  pass: { symbol: "✔", word: "Done", css: "pass" },
  fail: { symbol: "✖", word: "not done", css: "fail" },
  error: { symbol: "!", word: "not judged", css: "error" },
};

const STAGING_CSS: Record<StagingState, string> = {
  "not-deployed": "skipped",
  "not-validated": "fail",
  stale: "fail",
  validated: "pass",
};

const sha256 = (text: string): string => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
const link = (text: string, url: string | null | undefined, cls = ""): string =>
  url === null || url === undefined || href(url) === "#"
    ? `<span${cls ? ` class="${cls}"` : ""}>${html(text)}</span>`
    : `<a${cls ? ` class="${cls}"` : ""} href="${href(url)}">${html(text)}</a>`;

function header(board: BoardData): string {
  const { backlog, release, review } = board;
  const staging = release.staging;
  const toValidate = staging === null ? null : staging.counts["not-validated"] + staging.counts.stale;
  const filter = backlog.filter;
  const scope = [
    `team ${filter.team}`,
    filter.state === null ? (filter.notStarted ? "not started" : "every state") : `state “${filter.state}”`,
    filter.project === null ? null : `project “${filter.project}”`,
    filter.label === null ? null : `label “${filter.label}”`,
  ].filter((s): s is string => s !== null);
  const stat = (value: string, what: string): string => `<li><b>${value}</b><span>${what}</span></li>`;
  const config: [string, string][] = [
    ["Config", board.config.configPath ?? "built-in rules (no bfd.config.yaml)"],
    ["Backlog", `${scope.join(", ")}, at most ${filter.limit} issues`],
    ["Ready rules", backlog.rules.map((r) => r.id).join(", ") || "none"],
    ["Release calendar", board.config.calendar],
    [
      "Staging",
      staging === null
        ? "not read here (bfd serve reads no deployments): run bfd board or bfd staging"
        : `${staging.project} → ${staging.deployBranch}, environment ${staging.environment}, label “${staging.label}”`,
    ],
    ["Done rules", review.rules],
    ["Built by", board.origin === "bfd serve" ? "bfd serve, from its latest evaluations" : "bfd board, one run"],
  ];
  return `<header class="top"><div class="wrap">
<h1>Delivery board · ${html(filter.team)}</h1>
<p class="run">Built by ${html(board.origin)} at <time datetime="${html(board.generatedAt)}">${html(board.generatedAtLocal)}</time> (${html(board.timeZone)})</p>
<ul class="stats" aria-label="Counts">
${stat(`${backlog.summary.notReady} of ${backlog.summary.issues}`, "backlog issues not ready")}
${stat(String(backlog.summary.ready), "ready")}
${staging === null ? "" : stat(`${toValidate} of ${staging.merged.length}`, "merged MRs to validate in staging")}
${stat(`${review.summary.fail + review.summary.error} of ${review.total}`, "open MRs not done")}
${stat(String(review.summary.pass), "open MRs done")}
</ul>
<dl class="kv config">
${config.map(([k, v]) => `<dt>${html(k)}</dt><dd>${html(v)}</dd>`).join("\n")}
</dl>
<nav class="toc" aria-label="Sections"><ul><li><a href="#backlog">Backlog readiness</a></li><li><a href="#release">Release window</a></li><li><a href="#review">In review</a></li></ul></nav>
</div></header>`;
}

function cell(rule: BacklogSection["rules"][number], c: BoardCell): string {
  const look = CELL[c.status];
  const fix = c.hint === null ? "" : `<i> Fix: ${html(c.hint)}</i>`;
  const waiver = c.waiver === null ? "" : `<i> ${html(c.waiver.charAt(0).toUpperCase() + c.waiver.slice(1))}</i>`;
  return `<td class="c ${c.status}" tabindex="0"><span aria-hidden="true">${look.symbol}</span><span class="tip"><b>${look.symbol} ${look.word} · ${html(rule.id)}</b>${html(c.message)}${fix}${waiver}</span></td>`;
}

function backlogRow(section: BacklogSection, row: BacklogRow): string {
  const meta = [row.state, row.project, row.assignee ?? "unassigned", ...row.labels.map((l) => `#${l}`)].filter(
    (s): s is string => s !== null,
  );
  const verdict = row.verdict === "pass" ? "ready" : "not ready";
  return `<tr><th scope="row">${link(row.identifier, row.url, "key")}${html(row.title)}<span class="meta">${html(meta.join(" · "))} · ${verdict}</span></th>${row.cells
    .map((c, i) => cell(section.rules[i]!, c))
    .join("")}</tr>`;
}

function options(name: string, label: string, values: readonly string[]): string {
  const unique = [...new Set(values)].sort((a, b) => a.localeCompare(b, "en"));
  return `<label>${label}<select name="${name}"><option value="">All</option>${unique
    .map((v) => `<option value="${html(v)}">${html(v)}</option>`)
    .join("")}</select></label>`;
}

function backlog(section: BacklogSection): string {
  const { summary, rules, issues } = section;
  const intro = `<p>${plural(summary.issues, "issue")} · ${summary.ready} ready · ${summary.notReady} not ready · ${summary.withWarnings} with warnings. Worst first; each cell shows its rule's message and fix on hover or focus (arrow keys move between cells, Escape hides the tip).</p>`;
  const limit = section.limitReached
    ? `<p class="notice">Stopped at --limit ${section.filter.limit}: there may be more issues.</p>`
    : "";
  if (issues.length === 0)
    return `<section id="backlog" aria-labelledby="backlog-h"><h2 id="backlog-h">Backlog readiness</h2>${intro}<p>No issue matches the filter.</p></section>`;
  const legend = `<ul class="legend" aria-label="Legend">${(Object.keys(CELL) as CellStatus[])
    .map((s) => `<li><span class="${s}" aria-hidden="true">${CELL[s].symbol}</span>${CELL[s].word}</li>`)
    .join("")}</ul>`;
  const filters = `<form class="filters" id="filters" hidden aria-label="Filter the issues">
${options(
  "state",
  "State",
  issues.map((r) => r.state),
)}
${options(
  "project",
  "Project",
  issues.flatMap((r) => (r.project === null ? [] : [r.project])),
)}
${options(
  "assignee",
  "Assignee",
  issues.flatMap((r) => (r.assignee === null ? [] : [r.assignee])),
)}
${options(
  "label",
  "Label",
  issues.flatMap((r) => r.labels),
)}
<label>Readiness<select name="ready"><option value="">All</option><option value="not-ready">Not ready</option><option value="ready">Ready</option></select></label>
<button type="reset">Clear</button> <output id="shown" aria-live="polite">${issues.length} of ${issues.length} issues shown</output>
</form><noscript><p class="note">The filters need JavaScript; everything else reads without it.</p></noscript>`;
  const head = `<thead><tr><th scope="col">Issue</th>${rules
    .map((r) => `<th scope="col" class="rule" title="${html(r.title)}"><span>${html(r.id)}</span></th>`)
    .join("")}</tr></thead>`;
  const heat = `<div class="scroll fit" role="region" aria-labelledby="heat-caption"><table class="heat" id="heat">
<caption id="heat-caption">Issues × Ready rules, worst first</caption>
${head}<tbody>
${issues.map((row) => backlogRow(section, row)).join("\n")}
</tbody></table></div>`;
  const statuses = ["fail", "error", "warning", "waived", "pass", "skipped"] as const;
  const countRows = rules
    .map((r, i) => {
      const width = summary.issues === 0 ? 0 : Math.round((100 * r.missed) / summary.issues);
      return `<tr><th scope="row"><b>${html(r.id)}</b><span class="meta">${html(r.title)}${r.severity === "warning" ? " (a warning)" : ""}</span></th>${statuses
        .map((s) => `<td class="num" data-count="${i}:${s}">${r.counts[s]}</td>`)
        .join(
          "",
        )}<td><svg class="bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true"><rect class="all" x="0" y="0" width="100" height="6"/><rect class="miss" data-bar="${i}" x="0" y="0" width="${width}" height="6"/></svg></td></tr>`;
    })
    .join("\n");
  const counts = `<h3 id="rules-h">Which criterion do we miss most</h3>
<div class="scroll"><table aria-labelledby="rules-h"><thead><tr><th scope="col">Rule</th>${statuses
    .map(
      (s) =>
        `<th scope="col" class="num"><span aria-hidden="true">${CELL[s].symbol}</span> ${CELL[s].word[0]!.toUpperCase()}${CELL[s].word.slice(1)}</th>`,
    )
    .join("")}<th scope="col">Missed</th></tr></thead><tbody>
${countRows}
</tbody></table></div>`;
  const facts = issues.map((r) => [
    r.state,
    r.project ?? "",
    r.assignee ?? "",
    r.labels,
    r.cells.map((c) => CELL[c.status].code).join(""),
    r.verdict === "pass" ? 1 : 0,
  ]);
  const json = `<script type="application/json" id="board-data">${jsonForScript({ rules: rules.map((r) => r.id), rows: facts })}</script>`;
  return `<section id="backlog" aria-labelledby="backlog-h"><h2 id="backlog-h">Backlog readiness</h2>
${intro}${limit}${legend}${filters}
${heat}
${counts}
${json}
</section>`;
}

function timeline(release: ReleaseSection): string {
  const t = release.timeline;
  const x = (fraction: number): string => (2 + fraction * 96).toFixed(2);
  const points = [
    { name: "Window opens", at: t.start },
    { name: "Cut-off", at: t.cutoff },
    { name: "Release", at: t.release },
  ];
  const now = { name: "Now", at: t.now };
  const ordered = [...points, now].sort((a, b) => a.at.at.localeCompare(b.at.at));
  return `<div class="timeline"><p id="tl-summary">${html(t.summary)}</p>
<svg viewBox="0 0 100 14" preserveAspectRatio="none" role="img" aria-labelledby="tl-summary">
<rect class="track" x="2" y="5" width="96" height="4" vector-effect="non-scaling-stroke"/>
<rect class="valid" x="${x(t.position.cutoff)}" y="5" width="${(96 * (1 - t.position.cutoff)).toFixed(2)}" height="4" vector-effect="non-scaling-stroke"/>
${[0, t.position.cutoff, 1].map((f) => `<line class="tick" x1="${x(f)}" y1="2" x2="${x(f)}" y2="12" vector-effect="non-scaling-stroke"/>`).join("")}
<line class="today" x1="${x(t.position.now)}" y1="0" x2="${x(t.position.now)}" y2="14" vector-effect="non-scaling-stroke"/>
</svg>
<ol class="points">${ordered
    .map(
      (p) =>
        `<li>${p === now ? "<b>Now</b>" : html(p.name)}: <time datetime="${html(p.at.at)}">${html(p.at.local)}</time></li>`,
    )
    .join("")}<li class="muted">${html(t.timeZone)}</li></ol></div>`;
}

function release(section: ReleaseSection): string {
  const staging = section.staging;
  const head = `<section id="release" aria-labelledby="release-h"><h2 id="release-h">Release window</h2>${timeline(section)}`;
  if (staging === null)
    return `${head}<p class="note">The merged merge requests and their staging state are not read by bfd serve (it reads no deployments): run <code>bfd board</code> or <code>bfd staging</code>.</p></section>`;
  const order: StagingState[] = ["not-validated", "stale", "not-deployed", "validated"];
  const counts = `<ul class="legend" aria-label="Staging states">${order
    .map(
      (s) =>
        `<li><span class="${STAGING_CSS[s]}" aria-hidden="true">${STAGING_STATE[s].symbol}</span>${staging.counts[s]} ${html(STAGING_STATE[s].name)}</li>`,
    )
    .join("")}</ul>`;
  const intro = `<p>${html(staging.project)} → ${html(staging.deployBranch)}, environment ${html(staging.environment)}, label “${html(staging.label)}”: ${html(staging.window.description)}.${staging.window.mandatory ? " Validation is mandatory for this window." : ""}</p>`;
  if (staging.merged.length === 0) return `${head}${intro}<p>No merge request was merged in this window.</p></section>`;
  const rows = staging.merged
    .map((r) => {
      const state = STAGING_STATE[r.state];
      const issue = r.issue === null ? "no issue named" : null;
      const meta = `${r.issue === null ? html(issue!) : link(r.issue.identifier, r.issue.url)} · ${html(r.author)}`;
      const deployed =
        r.deployedAtLocal === null
          ? "—"
          : `${html(r.deployedAtLocal)}<span class="meta">${html(r.sinceDeploy ?? "")} ago</span>`;
      return `<tr><th scope="row">${link(r.reference, r.url)}</th><td data-label="Title">${html(r.title)}<span class="meta">${meta}</span></td><td data-label="Staging"><span class="badge ${STAGING_CSS[r.state]}"><span aria-hidden="true">${state.symbol}</span> ${html(state.name)}</span></td><td data-label="Merged">${html(r.mergedAtLocal)}</td><td data-label="Deployed">${deployed}</td><td data-label="Label added">${r.labelAddedAtLocal === null ? "—" : html(r.labelAddedAtLocal)}</td></tr>`;
    })
    .join("\n");
  return `${head}${intro}${counts}<div class="scroll"><table class="list"><caption>Merged in the window, oldest first (times in ${html(section.timeZone)})</caption>
<thead><tr><th scope="col">MR</th><th scope="col">Title</th><th scope="col">Staging</th><th scope="col">Merged</th><th scope="col">Deployed</th><th scope="col">Label added</th></tr></thead>
<tbody>
${rows}
</tbody></table></div></section>`;
}

function findings(row: ReviewRow): string {
  if (row.verdict === "error") return `<span class="error">${html(row.problem ?? "not judged")}</span>`;
  if (row.findings.length === 0) return '<span class="muted">none</span>';
  return `<ul class="findings">${row.findings
    .map((f) => {
      const look = f.status === "warning" ? CELL.warning : f.status === "error" ? CELL.error : CELL.fail;
      return `<li><span class="${f.status === "warning" ? "warning" : f.status}" aria-hidden="true">${look.symbol}</span> <span class="sr">${look.word}:</span><b>${html(f.rule)}</b>: ${html(f.message)}${f.hint === null ? "" : `<span class="hint">Fix: ${html(f.hint)}</span>`}</li>`;
    })
    .join("")}</ul>`;
}

function review(section: ReviewSection): string {
  const head = `<section id="review" aria-labelledby="review-h"><h2 id="review-h">In review</h2>`;
  const intro = `<p>${plural(section.total, "open merge request")} in ${html(section.projects.join(", ") || "no project")} · ${section.summary.pass} done · ${section.summary.fail} not done · ${section.summary.error} not judged. Done rules: ${html(section.rules)}.</p>`;
  if (section.rows.length === 0) return `${head}${intro}<p>No open merge request.</p></section>`;
  const more =
    section.more > 0
      ? `<p class="notice">And ${plural(section.more, "more open merge request")}, not judged here: the board shows the ${section.rows.length} most recently updated.</p>`
      : "";
  const rows = section.rows
    .map((r) => {
      const v = VERDICT[r.verdict];
      const meta = `${r.issue === null ? "no Linear issue found" : link(r.issue.identifier, r.issue.url)}${r.author === null ? "" : ` · ${html(r.author)}`}${r.targetBranch === "" ? "" : ` · → ${html(r.targetBranch)}`}`;
      return `<tr><th scope="row">${link(r.reference, r.url)}${r.draft ? ' <span class="badge waived">Draft</span>' : ""}</th><td data-label="Title">${html(r.title)}<span class="meta">${meta}</span></td><td data-label="Done verdict"><span class="badge ${v.css}"><span aria-hidden="true">${v.symbol}</span> ${v.word}</span></td><td data-label="Failing rules">${findings(r)}</td></tr>`;
    })
    .join("\n");
  return `${head}${intro}${more}<div class="scroll"><table class="list"><caption>Open merge requests, not done first</caption>
<thead><tr><th scope="col">MR</th><th scope="col">Title</th><th scope="col">Done verdict</th><th scope="col">Failing rules</th></tr></thead>
<tbody>
${rows}
</tbody></table></div></section>`;
}

/**
 * The board as one self-contained HTML page: no external resource of any kind (a Content-Security-Policy pins the
 * inline style and script by hash and allows nothing else), every outside string escaped, data for the filters as
 * JSON with `<` written as \u003c. Pure: the same board and options give the same page.
 */
export function renderBoardHtml(board: BoardData, options: BoardRenderOptions = {}): string {
  const csp = `default-src 'none'; style-src ${sha256(BOARD_CSS)}; script-src ${sha256(BOARD_SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;
  const refresh =
    options.refreshSeconds === undefined ? "" : `<meta http-equiv="refresh" content="${options.refreshSeconds}">\n`;
  const notices = board.notices.map((n) => `<p class="notice">${html(n)}</p>`).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
${refresh}<title>Delivery board · ${html(board.backlog.filter.team)} · ${html(board.generatedAtLocal)}</title>
<style>${BOARD_CSS}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the board</a>
${header(board)}
<main id="main" tabindex="-1"><div class="wrap">
${notices}
${backlog(board.backlog)}
${release(board.release)}
${review(board.review)}
</div></main>
<script>${BOARD_SCRIPT}</script>
</body>
</html>
`;
}
