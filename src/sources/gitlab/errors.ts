import { BfdError, UpstreamError, inputError } from "../../errors.js";
import { redact } from "../../redact.js";
import { GITLAB_TOKEN_HINT } from "../tokens.js";
import { HttpFailure, oneLine, upstreamErrorFor } from "../upstream.js";

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
 * Maps a failed GitLab call to the error bfd shows: one line, naming GitLab, never a token. What GitLab's statuses
 * mean (401, 403 with or without `insufficient_scope`, 404 "Project Not Found" vs a missing MR or note) is decided
 * here; timeouts, resets, 429, 5xx and unusable bodies read as they do for Linear (src/sources/upstream.ts). Failures
 * that are not GitLab's (bugs) come back unchanged so they surface as internal errors.
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
    return new UpstreamError("GitLab", "gitlab-auth", "GitLab rejected the token in GITLAB_TOKEN (HTTP 401)", {
      hint: GITLAB_TOKEN_HINT,
      status,
      cause: error,
    });
  }
  if (status === 403) {
    const insufficientScope = /insufficient_scope/i.test(description);
    const scope = context.access === "write" ? "api" : "read_api";
    if (context.noteId !== undefined && !insufficientScope) {
      return new UpstreamError(
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
    return new UpstreamError(
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

/** True when GitLab answered 404 for a file (or other record) inside a project it does find. */
export function isMissingRecord(error: unknown): boolean {
  return (
    error instanceof HttpFailure &&
    error.kind === "status" &&
    error.status === 404 &&
    !/project not found/i.test(describeBody(error))
  );
}

/** True when GitLab refused or hid a read: 403, or 404 for something the project's members could see. */
export function isAccessRefusal(error: unknown): boolean {
  return error instanceof HttpFailure && error.kind === "status" && (error.status === 403 || error.status === 404);
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
