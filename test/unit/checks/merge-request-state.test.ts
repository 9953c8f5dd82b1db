import { mergeRequestState } from "../../../src/checks/merge-request-state.js";
import { checkCases } from "../../helpers/check-cases.js";
import { withMr } from "../../helpers/work-item.js";

const IGNORED = { context: { mergeRequestsIgnored: ["acme/app!41 closed without merging"] } };

checkCases(mergeRequestState, {
  pass: [
    {
      name: "the merge request is open and ready",
      item: withMr({}),
      message: /^acme\/app!42 is open and ready$/,
      evidence: ["state: opened"],
    },
    {
      name: "the merge request is merged",
      item: withMr({ state: "merged", mergedAt: "2026-11-20T10:00:00.000Z" }),
      message: /^acme\/app!42 is merged \(2026-11-20 10:00 UTC\)$/,
    },
    {
      name: "the merge request was merged before GitLab recorded when",
      item: withMr({ state: "merged", mergedAt: null }),
      message: /^acme\/app!42 is merged$/,
    },
    {
      name: "it is a Draft and the team allows drafts",
      item: withMr({ draft: true, title: "Draft: ENG-123: Add login audit" }),
      options: { allowDraft: true },
      message: /open Draft, which this team allows/,
    },
    {
      name: "a closed MR attached beside it was passed over, which the evidence says",
      item: withMr({}, IGNORED),
      evidence: ["ignored: acme/app!41 closed without merging"],
    },
  ],
  fail: [
    {
      name: "the merge request was closed without merging",
      item: withMr({ state: "closed" }),
      message: /^acme\/app!42 was closed without merging: its work does not ship$/,
      evidence: ["state: closed"],
    },
    {
      name: "the merge request is a Draft, saying how to mark it ready",
      item: withMr({ draft: true, title: "Draft: ENG-123: Add login audit" }),
      message: /^acme\/app!42 is a Draft: mark it ready — remove "Draft:" from its title, or select "Mark as ready"/,
      evidence: ["state: opened (Draft)"],
    },
    {
      name: "it is a Draft and drafts are not allowed (written out)",
      item: withMr({ draft: true }),
      options: { allowDraft: false },
    },
    {
      name: "a closed Draft, closed first",
      item: withMr({ state: "closed", draft: true }),
      message: /closed without merging/,
    },
    {
      name: "GitLab is merging it right now (locked)",
      item: withMr({ state: "locked" }),
      message: /^GitLab is merging acme\/app!42 right now \(state "locked"\)$/,
    },
    {
      name: "GitLab gives a state bfd does not know",
      item: withMr({ state: "reopened" }),
      message: /neither open nor merged/,
    },
  ],
});
