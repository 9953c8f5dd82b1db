import { z } from "zod";
import { shownInstant as shown } from "../time.js";
import type { MergeRequest } from "../work-item/schema.js";
import { defineCheck, fail, pass } from "./types.js";

const Options = z
  .object({
    allowDraft: z
      .boolean()
      .default(false)
      .describe("A Draft merge request passes too (for teams that hand drafts off for review)."),
  })
  .strict();

/** GitLab's own ways out of Draft (doc/user/project/merge_requests/drafts.md, "Mark merge requests as ready"). */
const MARK_READY = 'remove "Draft:" from its title, or select "Mark as ready" on the merge request (or comment /ready)';

const referenceOf = (mr: MergeRequest): string => `${mr.projectPath}!${mr.iid}`;

/**
 * The merge request is one that can still ship this issue, or did: open and ready, or merged. A closed MR never
 * passes — Linear keeps a closed MR attached to the issue, so "attached" does not mean "still the work" — and a
 * Draft fails unless the team allows drafts, since GitLab refuses to merge one until it is marked ready.
 */
export const mergeRequestState = defineCheck({
  id: "merge-request-state",
  description:
    "The merge request is open and marked ready, or merged: never closed without merging, and not a Draft unless the team allows it.",
  options: Options,
  hint: "Hand off a merge request that can ship. {{fix}}",
  hintData: ["fix"],
  needs: () => ["mergeRequest"],
  run: (item, o) => {
    const mr = item.mergeRequest!;
    const ref = referenceOf(mr);
    const evidence = [
      `state: ${mr.state}${mr.draft ? " (Draft)" : ""}`,
      ...item.context.mergeRequestsIgnored.map((ignored) => `ignored: ${ignored}`),
    ];
    switch (mr.state) {
      case "merged":
        return pass(`${ref} is merged${mr.mergedAt === null ? "" : ` (${shown(mr.mergedAt)})`}`, evidence);
      case "opened":
        if (!mr.draft) return pass(`${ref} is open and ready`, evidence);
        if (o.allowDraft) return pass(`${ref} is an open Draft, which this team allows`, evidence);
        return fail(`${ref} is a Draft: mark it ready — ${MARK_READY}`, evidence, {
          fix: `Mark ${ref} as ready: ${MARK_READY}.`,
        });
      case "closed":
        return fail(`${ref} was closed without merging: its work does not ship`, evidence, {
          fix: `Reopen ${ref} if its work still ships, or open a new merge request for ${item.issue?.identifier ?? "the issue"} (Linear keeps closed ones attached); run bfd done --mr <URL> to judge a specific one.`,
        });
      case "locked":
        // GitLab's transient state while it merges (doc/api/merge_requests.md: `state` is opened, closed, locked or merged).
        return fail(`GitLab is merging ${ref} right now (state "locked")`, evidence, {
          fix: `Run bfd done again once ${ref} is merged.`,
        });
      default:
        return fail(`GitLab says ${ref} is "${mr.state}": neither open nor merged`, evidence, {
          fix: `Open ${ref} again, or judge the merge request that carries the work with --mr <URL>.`,
        });
    }
  },
});
