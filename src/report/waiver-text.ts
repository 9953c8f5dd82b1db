import { shortInstant } from "../time.js";
import type { Waiver } from "./schema.js";

/**
 * A waiver as one plain line, the same in every format (each reporter escapes it for its own): who stands behind it
 * and when, or why it does not count and how to get it accepted.
 *   waived by Jane Reviewer (label no-release-notes, 22 Nov 10:00 UTC)
 *   waived by Jane Reviewer, who approved the merge request (asked in the merge request description): Ships dark
 *   self-waived by Dev Author (merge request description): Ships dark
 *   requested by Dev Author (merge request description: Ships dark), not accepted: someone other than the author …
 */
export function waiverText(waiver: Waiver): string {
  const when = waiver.at === null ? "" : shortInstant(waiver.at);
  const where = [waiver.source, when].filter((part) => part !== "").join(", ");
  const isLabel = waiver.source.startsWith("label ") || waiver.source.startsWith("issue label ");
  const why = isLabel ? "" : `: ${waiver.reason}`;
  const name = waiver.by?.name || waiver.by?.username;
  switch (waiver.standing) {
    case "accepted":
      return waiver.approval
        ? `waived by ${name ?? "a reviewer"}, who approved the merge request (asked in the ${where})${why}`
        : `waived by ${name ?? "a reviewer"} (${where})${why}`;
    case "self-waived":
      return `self-waived${name === undefined ? "" : ` by ${name}`} (${where})${why}`;
    case "requested":
      return `requested${name === undefined ? "" : ` by ${name}`} (${where}${why}), not accepted: ${waiver.accept ?? ""}`;
    case "not-authorised":
      return `waiver by ${name ?? "someone"} (${where}${why}) not authorised: ${waiver.accept ?? ""}`;
  }
}

/** True when the waiver counts: the rule is waived. */
export function waiverCounts(waiver: Waiver): boolean {
  return waiver.standing === "accepted" || waiver.standing === "self-waived";
}
