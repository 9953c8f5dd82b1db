import { BfdError, SetupError, UpstreamError, inputError } from "../../errors.js";
import { redact } from "../../redact.js";
import { GITLAB_TOKEN_HINT } from "../tokens.js";
import { HttpFailure, oneLine, safeOrigin, upstreamErrorFor } from "../upstream.js";

export interface GitLabFailureContext {
  /** What bfd was doing, in words that finish "while …": "reading merge request !42 in group/app". */
  doing: string;
  access: "read" | "write";
  project?: string | number;
  mergeRequestIid?: number;
  noteId?: number;
  timeoutMs: number;
  /** Values to scrub from every message (the token). */
  secrets?: readonly (string | undefined)[];
}

/**
 * The oldest GitLab bfd works with: `GET /projects/:id/merge_requests/:iid/diffs`, which bfd reads the changed files
 * from, came in GitLab 15.7 (gitlab-org/gitlab#322117, which deprecated `/changes` for it in 15.7). Every other
 * endpoint bfd reads is older (docs/gitlab-ci.md "Which GitLab").
 */
export const MINIMUM_GITLAB_VERSION = "15.7";

/**
 * Endpoints an older GitLab may not have, with the version that added them. Any other endpoint that meets GitLab's
 * catch-all 404 is named by its last path segment and gets the general minimum.
 */
const ENDPOINTS_ADDED_IN: readonly { path: RegExp; name: string; version: string }[] = [
  { path: /\/merge_requests\/\d+\/diffs$/, name: "/diffs", version: "15.7" },
];

/**
 * Maps a failed GitLab call to the error bfd shows: one line, naming GitLab, never a token. What GitLab's statuses
 * mean is decided here: 401 (a wrong, expired or revoked token) and 403 (a token without the scope or role) are setup
 * problems, exit 2, whatever the command; a 404 from GitLab's catch-all route is an endpoint this GitLab lacks (also
 * setup); a 404 "Project Not Found" or a missing MR or note is the user's input. Timeouts, resets, 429, 5xx and
 * unusable bodies read as they do for Linear (src/sources/upstream.ts). Failures that are not GitLab's (bugs) come
 * back unchanged so they surface as internal errors.
 */
export function classifyGitLabFailure(error: unknown, context: GitLabFailureContext): Error {
  if (error instanceof BfdError) return error;
  if (!(error instanceof HttpFailure)) return error instanceof Error ? error : new Error(String(error));
  const shared = () =>
    upstreamErrorFor(
      error,
      { doing: context.doing, hostVariable: "the GitLab host (GITLAB_URL or CI_SERVER_URL)", secrets: context.secrets },
      context.timeoutMs,
    );
  if (error.kind !== "status") return shared() ?? error;
  const scrub = (text: string): string => redact(oneLine(text), context.secrets ?? []);
  const status = error.status ?? 0;
  const description = describeBody(error);
  const where = projectLabel(context.project);
  if (status === 401) {
    return new SetupError(
      "GitLab",
      "gitlab-auth",
      "GitLab rejected the token in GITLAB_TOKEN (HTTP 401): it is wrong, expired or revoked",
      { hint: GITLAB_TOKEN_HINT, status, cause: error },
    );
  }
  if (status === 403) {
    const insufficientScope = /insufficient_scope/i.test(description);
    const scope = context.access === "write" ? "api" : "read_api";
    if (context.noteId !== undefined && !insufficientScope) {
      return new SetupError(
        "GitLab",
        "gitlab-forbidden",
        scrub(`GitLab refused ${context.doing} (HTTP 403): only a note's author may edit or delete it`),
        {
          hint: "bfd edits only notes posted with the token in GITLAB_TOKEN; use the same token that posted the note.",
          status,
          cause: error,
        },
      );
    }
    const needs = insufficientScope
      ? `it lacks the ${scope} scope`
      : `it needs the ${scope} scope and at least the Reporter role in ${where}`;
    return new SetupError(
      "GitLab",
      "gitlab-forbidden",
      scrub(`GitLab refused the token in GITLAB_TOKEN while ${context.doing} (HTTP 403): ${needs}`),
      {
        hint: `Use a project, group or personal access token with the ${scope} scope whose user has at least the Reporter role in ${where}.`,
        status,
        cause: error,
      },
    );
  }
  if (isRouteNotFound(error)) return missingEndpoint(error, scrub);
  if (status === 404) {
    const projectMissing = /project not found/i.test(description);
    if (projectMissing || (context.mergeRequestIid === undefined && context.noteId === undefined)) {
      return inputError(
        "project-not-found",
        scrub(
          `GitLab ${where.startsWith("project ") ? where : `project ${where}`} was not found, or the token in GITLAB_TOKEN cannot see it`,
        ),
        "Give the project as its full path (like group/app) or numeric id — bfd takes it from the merge request URL, CI_PROJECT_ID or the git remote — and use a token whose user is a member of it.",
      );
    }
    if (context.noteId !== undefined) {
      return inputError(
        "note-not-found",
        scrub(
          `GitLab note ${context.noteId} was not found on merge request !${context.mergeRequestIid ?? "?"} in ${where}`,
        ),
      );
    }
    return inputError(
      "mr-not-found",
      scrub(`GitLab merge request !${context.mergeRequestIid} was not found in ${where}`),
    );
  }
  return (
    shared() ??
    new UpstreamError(
      "GitLab",
      "gitlab-request-rejected",
      scrub(`GitLab answered HTTP ${status} while ${context.doing}: ${description}`),
      {
        status,
        cause: error,
      },
    )
  );
}

/**
 * True for the 404 of GitLab's catch-all route, which answers every path no endpoint matches — on an older or
 * smaller GitLab, an endpoint it does not have: `route :any, '*path'` → `error!('404 Not Found', 404)` in
 * lib/api/api.rb, which Grape sends as `{"error":"404 Not Found"}`. An endpoint that exists but cannot find the
 * record answers through `not_found!` (lib/api/helpers.rb) with `{"message":"404 Project Not Found"}` or
 * `{"message":"404 Not found"}` instead.
 */
export function isRouteNotFound(error: unknown): boolean {
  if (!(error instanceof HttpFailure) || error.kind !== "status" || error.status !== 404) return false;
  if (!/json/i.test(error.contentType ?? "")) return false;
  try {
    const parsed: unknown = JSON.parse(error.body);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return false;
    const record = parsed as Record<string, unknown>;
    return record["message"] === undefined && record["error"] === "404 Not Found";
  } catch {
    return false;
  }
}

function missingEndpoint(error: HttpFailure, scrub: (text: string) => string): SetupError {
  const path = pathOf(error.at.url);
  const known = ENDPOINTS_ADDED_IN.find((e) => e.path.test(path));
  const name = known?.name ?? `/${lastNamedSegment(path)}`;
  const origin = known === undefined ? "" : ` (added in ${known.version})`;
  return new SetupError(
    "GitLab",
    "gitlab-endpoint-missing",
    scrub(
      `This GitLab has no ${name} endpoint${origin}: bfd needs GitLab ≥ ${MINIMUM_GITLAB_VERSION} (${error.at.method} ${path} answered GitLab's catch-all 404)`,
    ),
    {
      hint: `Upgrade GitLab to ${MINIMUM_GITLAB_VERSION} or later (its version is on ${safeOrigin(error.at.url)}/help), or check that GITLAB_URL or CI_SERVER_URL is the instance's root URL.`,
      status: 404,
      cause: error,
    },
  );
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split("?")[0] ?? url;
  }
}

/** "diffs" for …/merge_requests/4/diffs: the last segment that is neither a number nor the project's id or path. */
function lastNamedSegment(path: string): string {
  const segments = path
    .replace(/^\/api\/v4\//, "")
    .split("/")
    .filter((s) => s !== "");
  const named = segments.filter((s, i) => !/^\d+$/.test(s) && segments[i - 1] !== "projects");
  return named.at(-1) ?? path;
}

/** True when GitLab answered 404 for a file (or other record) inside a project it does find. */
export function isMissingRecord(error: unknown): boolean {
  return (
    error instanceof HttpFailure &&
    error.kind === "status" &&
    error.status === 404 &&
    !isRouteNotFound(error) &&
    !/project not found/i.test(describeBody(error))
  );
}

/**
 * True when GitLab refused or hid one read: 403, or 404 for something the project's members could see. Never a 401
 * (the token itself is rejected: the whole run's setup error) nor the catch-all 404 (the endpoint is missing).
 */
export function isAccessRefusal(error: unknown): boolean {
  return (
    error instanceof HttpFailure &&
    error.kind === "status" &&
    (error.status === 403 || (error.status === 404 && !isRouteNotFound(error)))
  );
}

export function projectLabel(project: string | number | undefined): string {
  if (project === undefined) return "the project";
  return typeof project === "number" || /^\d+$/.test(project) ? `project ${project}` : project;
}

/** GitLab's `message` / `error` field, or the start of a non-JSON body. */
export function describeBody(error: HttpFailure): string {
  if (/json/i.test(error.contentType ?? "")) {
    try {
      const parsed: unknown = JSON.parse(error.body);
      if (parsed !== null && typeof parsed === "object") {
        const record = parsed as Record<string, unknown>;
        // OAuth-style errors ({"error":"insufficient_scope","error_description":…}) keep both parts.
        const oauth =
          typeof record["error"] === "string" && typeof record["error_description"] === "string"
            ? `${record["error"]}: ${record["error_description"]}`
            : undefined;
        const field = record["message"] ?? oauth ?? record["error"];
        if (field !== undefined) return oneLine(typeof field === "string" ? field : JSON.stringify(field));
      }
    } catch {
      // fall through to the raw text
    }
  }
  if (error.isHtml || /^\s*</.test(error.body)) return "an HTML page";
  return oneLine(error.body).slice(0, 200);
}
