/**
 * Waivers (#23): what a waiver request is, and who stands behind it. The one module that decides "who may waive"
 * (STYLE.md principle 16): the engine asks it for every waivable rule that fails, and reporters only render its answer.
 *
 * A request is a `bfd-waive: <rule-id> <reason>` line a reader sees (in the issue description, the MR description or
 * a person's MR comment) or a waiver label (on the MR or the issue). By default a request counts only when someone
 * other than the MR's author stands behind it: a label they added, a comment they wrote, or — for a request of the
 * author's own or of someone bfd cannot name (the descriptions, a Linear label) — their approval of the MR.
 */
import { isPlaceholderText, visibleText, type Placeholders } from "../markdown/placeholder.js";
import { visibleLines } from "../markdown/sections.js";
import type { WaiverPolicy } from "../rules/schema.js";
import { foldText, normalizeText } from "../text/normalize.js";
import type { GitLabUser, WorkItem } from "../work-item/schema.js";

export type WaiverSource =
  | "issue description"
  | "merge request description"
  | "merge request comment"
  | `label ${string}`
  | `issue label ${string}`;

export interface WaiverLine {
  ruleId: string;
  /** Empty when the waiver gives no reason a reader can see (the engine then ignores it, saying why). */
  reason: string;
  source: WaiverSource;
  /** Who wrote it, when bfd knows (a comment's author); null for the descriptions. */
  by: GitLabUser | null;
  at: string | null;
}

/** After NFKC (fullwidth letters are plain ones), any dash a reader takes for "-" and any case. */
const WAIVER_LINE = /^bfd[-\u2010-\u2015\u2212]waive\s*:\s*(\S+)\s*(.*)$/iu;

/** Letters a reason needs at least: "x", "ok" or "TBA" give no reason a reviewer can weigh. */
export const MIN_REASON_LETTERS = 4;

/** The reason as written, or "" when it is no reason: a placeholder (TBD, `<why>`) or fewer than four letters. */
export function waiverReason(text: string, placeholders?: Placeholders): string {
  const reason = visibleText(text);
  if (isPlaceholderText(reason, placeholders)) return "";
  const letters = normalizeText(reason).match(/\p{L}/gu)?.length ?? 0;
  return letters < MIN_REASON_LETTERS ? "" : reason;
}

/** The `bfd-waive:` lines a reader sees in one Markdown text; linear in its length (one pass over visible lines). */
function linesIn(
  markdown: string,
  source: WaiverSource,
  by: GitLabUser | null,
  at: string | null,
  placeholders: Placeholders | undefined,
): WaiverLine[] {
  const lines: WaiverLine[] = [];
  // An unticked task item asserts nothing (#22): an MR template's `- [ ] bfd-waive: …` option nobody chose.
  for (const line of visibleLines(markdown, "bfd-waive", { assertedOnly: true })) {
    const m = WAIVER_LINE.exec(normalizeText(visibleText(line)));
    if (m === null) continue;
    lines.push({ ruleId: foldText(m[1]!), reason: waiverReason(m[2]!, placeholders), source, by, at });
  }
  return lines;
}

/**
 * Every `bfd-waive: <rule-id> <reason>` line a reader of the rendered issue and MR descriptions and of people's MR
 * comments sees: never one in an HTML comment (an MR template's help text), code, a block quote, struck text, image
 * text or an unticked task item (an MR template's option nobody chose). A reason that is a placeholder (`<why>`, TBD)
 * (the team's own placeholder words included) or has fewer than four letters is no reason: it comes back empty.
 */
export function findWaiverLines(item: WorkItem, placeholders?: Placeholders): WaiverLine[] {
  const mr = item.mergeRequest;
  return [
    ...linesIn(item.issue?.description ?? "", "issue description", null, null, placeholders),
    ...linesIn(mr?.description ?? "", "merge request description", null, null, placeholders),
    ...(mr?.activity?.notes ?? []).flatMap((note) =>
      linesIn(note.body, "merge request comment", note.by, note.at, placeholders),
    ),
  ];
}

/** How a waiver stands: it counts (accepted, self-waived) or the rule fails as if unwaived (requested, not authorised). */
export type WaiverStanding = "accepted" | "self-waived" | "requested" | "not-authorised";

export interface WaiverDecision {
  standing: WaiverStanding;
  reason: string;
  source: WaiverSource;
  /** Who stands behind it (accepted, self-waived), or who asked or tried (requested, not authorised), when known. */
  by: GitLabUser | null;
  at: string | null;
  /** Accepted by approving the MR: the request was someone else's (the author's, or written where bfd cannot tell). */
  approval: boolean;
  /** For a waiver that does not count: how to get it accepted. */
  accept: string | null;
}

export interface WaiverRule {
  id: string;
  waiverLabels: readonly string[];
}

/** A request before judgement: a line, or a waiver label with whoever added it. */
interface Request {
  reason: string;
  source: WaiverSource;
  by: GitLabUser | null;
  at: string | null;
}

const RANK: Record<WaiverStanding, number> = { accepted: 0, "self-waived": 1, "not-authorised": 2, requested: 3 };

/** The waiver labels on the MR and the issue, each with who last added it (GitLab's label events; null when unknown). */
function labelRequests(item: WorkItem, rule: WaiverRule): Request[] {
  const wanted = new Set(rule.waiverLabels.map(foldText));
  const requests: Request[] = [];
  const mr = item.mergeRequest;
  for (const label of mr?.labels ?? []) {
    if (!wanted.has(foldText(label))) continue;
    const added = [...(mr?.activity?.labelEvents ?? [])]
      .reverse()
      .find((e) => e.action === "add" && foldText(e.label) === foldText(label));
    requests.push({
      reason: `label "${label}"`,
      source: `label ${label}`,
      by: added?.by ?? null,
      at: added?.at ?? null,
    });
  }
  // Who added a Linear issue label is not read (yet): such a label stands like a line in the issue description.
  for (const label of item.issue?.labels ?? []) {
    if (wanted.has(foldText(label)))
      requests.push({ reason: `label "${label}"`, source: `issue label ${label}`, by: null, at: null });
  }
  return requests;
}

/**
 * Who stands behind the best of a rule's waiver requests under the team's policy, or null when there is none.
 * `lines` are the usable `bfd-waive:` lines for this rule (known, waivable, with a reason), in reading order.
 */
export function decideWaiver(
  item: WorkItem,
  rule: WaiverRule,
  lines: readonly WaiverLine[],
  policy: WaiverPolicy,
): WaiverDecision | null {
  const requests: Request[] = [...labelRequests(item, rule), ...lines];
  let best: WaiverDecision | null = null;
  for (const request of requests) {
    const decision = judge(item, rule, request, policy);
    if (best === null || RANK[decision.standing] < RANK[best.standing]) best = decision;
    if (best.standing === "accepted") break;
  }
  return best;
}

function judge(item: WorkItem, rule: WaiverRule, request: Request, policy: WaiverPolicy): WaiverDecision {
  const mr = item.mergeRequest;
  const author = mr?.author ?? null;
  const isAuthor = (user: GitLabUser): boolean => author !== null && sameUser(user.username, author);
  const authorised = (user: GitLabUser): boolean =>
    policy.by === undefined || policy.by.some((name) => sameUser(name, user.username));
  const base = { reason: request.reason, source: request.source, approval: false, accept: null };

  // Someone other than the author made the request (added the label, wrote the comment): they stand behind it.
  if (request.by !== null && author !== null && !isAuthor(request.by)) {
    if (authorised(request.by)) return { ...base, standing: "accepted", by: request.by, at: request.at };
    return {
      ...base,
      standing: "not-authorised",
      by: request.by,
      at: request.at,
      accept: `${notAuthorised(policy)}; ${howToAccept(rule, policy)}`,
    };
  }
  // The author's own request, or one bfd cannot name the writer of: someone else accepts it by approving the MR.
  const approvers = (mr?.activity?.approvals ?? []).filter((a) => !isAuthor(a.by));
  const approver = approvers.find((a) => authorised(a.by));
  if (author !== null && approver !== undefined)
    return { ...base, standing: "accepted", by: approver.by, at: approver.at, approval: true };
  // The MR's description is its author's; who wrote the issue's, or added a label bfd has no event for, is unknown.
  const asker = request.by ?? (request.source === "merge request description" ? authorUser(item) : null);
  if (policy.allowAuthor && (asker === null || authorised(asker)))
    return { ...base, standing: "self-waived", by: asker, at: request.at };
  const unread = item.unavailable.find((u) => u.evidence === "mergeRequest.activity");
  const why =
    mr === null
      ? "there is no merge request for someone else to approve"
      : mr.activity === null
        ? `bfd could not read who acted on the merge request${unread === undefined ? "" : ` (${unread.reason})`}`
        : approvers.length > 0
          ? notAuthorised(policy)
          : null;
  return {
    ...base,
    standing: approvers.length > 0 && approver === undefined ? "not-authorised" : "requested",
    by: asker,
    at: request.at,
    accept: `${why === null ? "" : `${why}; `}${howToAccept(rule, policy)}`,
  };
}

function authorUser(item: WorkItem): GitLabUser | null {
  const mr = item.mergeRequest;
  if (mr === null || mr.author === null) return null;
  return { username: mr.author, name: mr.authorName ?? mr.author };
}

function sameUser(a: string, b: string): boolean {
  return a.replace(/^@/, "").toLowerCase() === b.replace(/^@/, "").toLowerCase();
}

function notAuthorised(policy: WaiverPolicy): string {
  const names = (policy.by ?? []).map((name) => `@${name}`);
  return names.length === 0 ? "waivers.by names no one" : `waivers.by names only ${names.join(", ")}`;
}

function howToAccept(rule: WaiverRule, policy: WaiverPolicy): string {
  const who = policy.by === undefined ? "someone other than the author" : "one of them";
  const label = rule.waiverLabels.length === 0 ? "" : `, adding the label ${rule.waiverLabels[0]}`;
  return `${who} accepts it by approving the merge request${label} or commenting "bfd-waive: ${rule.id} <reason>"`;
}
