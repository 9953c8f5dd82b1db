import { assignee } from "../../../src/checks/assignee.js";
import { checkCases } from "../../helpers/check-cases.js";
import { JANE, OMAR, item, withIssue } from "../../helpers/work-item.js";

checkCases(assignee, {
  pass: [
    {
      name: "the issue has an assignee",
      item: withIssue({ assignee: OMAR }),
      message: /^Assigned to Omar Haddad$/,
      evidence: ["assignee: Omar Haddad"],
    },
    { name: "the issue has an assignee and nobody knows who runs bfd", item: item({ viewer: null }) },
    {
      name: "the assignee is the viewer, as required",
      item: item({ viewer: JANE, issue: { assignee: JANE } }),
      options: { mustBeViewer: true },
    },
    {
      name: "the assignee is the viewer, matched by id though the names differ",
      item: item({ viewer: { ...JANE, name: "jane" } }),
      options: { mustBeViewer: true },
    },
  ],
  fail: [
    { name: "the issue has no assignee", item: withIssue({ assignee: null }), message: /^The issue has no assignee$/ },
    {
      name: "the issue has no assignee and must be the viewer's",
      item: withIssue({ assignee: null }),
      options: { mustBeViewer: true },
    },
    {
      name: "someone else is assigned but it must be the viewer",
      item: item({ viewer: JANE, issue: { assignee: OMAR } }),
      options: { mustBeViewer: true },
      message: /^The issue is assigned to Omar Haddad, not to you \(Jane Doe\)$/,
    },
    {
      name: "someone else has the viewer's name but not their id",
      item: item({ viewer: JANE, issue: { assignee: { ...OMAR, name: JANE.name } } }),
      options: { mustBeViewer: true },
    },
    {
      name: "it must be the viewer but nobody knows who runs bfd",
      item: item({ viewer: null }),
      options: { mustBeViewer: true },
      message: /^Cannot tell who is running bfd/,
    },
  ],
});
