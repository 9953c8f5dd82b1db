/**
 * What `bfd doctor` found: one check per line, each with a verdict, and the exit code they add up to. Plain data,
 * computed by the pure assembly in ./checks.ts from what the command read, rendered by src/reporters/doctor/.
 * Nothing in it is a token: the facts it is built from never hold one.
 */
import { ExitCode } from "../exit-codes.js";

export type DoctorCheckId =
  | "config"
  | "linear-key"
  | "linear-budget"
  | "gitlab-host"
  | "gitlab-token"
  | "gitlab-project"
  | "linear-workflow"
  | "gitlab-labels"
  | "mr-template"
  | "ci-include";

export type DoctorStatus = "pass" | "warn" | "fail";

/**
 * Why a check fails: something the user sets up differently (a missing or rejected token, a bad config, a scope, a
 * project bfd cannot find) — exit 2 — or a service that could not be used (unreachable, timing out, failing) — exit 3.
 */
export type DoctorProblem = "setup" | "service";

export interface DoctorCheck {
  id: DoctorCheckId;
  status: DoctorStatus;
  /** What was checked, e.g. `GITLAB_TOKEN`. */
  title: string;
  /** What was found, one line. */
  detail: string;
  /** What to do about a failing (or warning) check; may hold more than one line. */
  fix?: string;
  /** Set on failing checks: decides the exit code. Not part of the JSON output. */
  problem?: DoctorProblem;
}

export interface DoctorResult {
  checks: DoctorCheck[];
}

/**
 * 0 when nothing failed (warnings allowed); 2 when any setup problem failed; else 3 when a service could not be used.
 * A setup problem wins over an unreachable service: it is what the user must fix first, and the one they can.
 */
export function doctorExitCode(result: DoctorResult): ExitCode {
  const failed = result.checks.filter((c) => c.status === "fail");
  if (failed.some((c) => c.problem !== "service")) return ExitCode.usage;
  if (failed.length > 0) return ExitCode.upstream;
  return ExitCode.ok;
}

/** `bfd doctor --format json`: a stable shape for tools (schemaVersion changes only when a field does). */
export interface DoctorJson {
  schemaVersion: 1;
  /** No check failed (warnings allowed): exit 0. */
  ok: boolean;
  checks: { id: DoctorCheckId; status: DoctorStatus; title: string; detail: string; fix?: string }[];
}

export function doctorJson(result: DoctorResult): DoctorJson {
  return {
    schemaVersion: 1,
    ok: result.checks.every((c) => c.status !== "fail"),
    checks: result.checks.map((c) => ({
      id: c.id,
      status: c.status,
      title: c.title,
      detail: c.detail,
      ...(c.fix === undefined ? {} : { fix: c.fix }),
    })),
  };
}
