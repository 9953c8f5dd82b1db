import { projectSpecification } from "../../../src/checks/project-specification.js";
import { checkCases } from "../../helpers/check-cases.js";
import { withIssue } from "../../helpers/work-item.js";

const SPEC = "## Problem\nAuditors cannot see who logged in, from where, or when.";
const inProject = (project: {
  content?: string;
  description?: string;
  documents?: { title: string; content?: string }[];
}) => withIssue({ project: { name: "Login audit", ...project } });

checkCases(projectSpecification, {
  error: [
    {
      name: "the project content is past the size limit and no document is a specification",
      item: inProject({ content: "x".repeat(2_000_001) }),
      message: /^The project content is 2,000,001 characters long/,
    },
  ],
  pass: [
    {
      name: "the content links a document and says what the work is beside it",
      item: inProject({ content: `See https://docs.example.com/d/abc123.\n\n${SPEC}` }),
    },
    {
      name: "a link's words count, its target does not",
      item: inProject({
        content: "[Auditors cannot see who logged in, from where, or when](https://docs.example.com/x)",
      }),
    },
    {
      name: "the project content is a specification",
      item: inProject({ content: SPEC }),
      message: /^Project "Login audit" has a specification$/,
      evidence: ["project: Login audit"],
    },
    {
      name: "a project document is the specification",
      item: inProject({
        documents: [
          { title: "Notes", content: "tbd" },
          { title: "Spec", content: SPEC },
        ],
      }),
      message: /specification document "Spec"/,
      evidence: ["document: Spec"],
    },
    {
      name: "the content is exactly minChars long",
      item: inProject({ content: "x".repeat(10) }),
      options: { minChars: 10 },
    },
  ],
  fail: [
    {
      name: "the content is only a URL (no specification, just where one might be)",
      item: inProject({
        content: "https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit",
      }),
      message: /only links/,
    },
    {
      name: "the content is only an autolink and a link whose text is a URL",
      item: inProject({
        content:
          "<https://docs.example.com/specs/login-audit-v2-final>\n\n[https://docs.example.com/specs/login-audit](https://docs.example.com/specs/login-audit)",
      }),
    },
    {
      name: "the content is a TODO, however long",
      item: inProject({ content: "TODO: write the specification of the login audit, with the auditors" }),
    },
    {
      name: "the content is a template: headings and italic help text",
      item: inProject({
        content:
          "## Problem\n_What problem does this solve, and for whom?_\n\n## Solution\n_How will we solve it?_\n\nTBD",
      }),
      message: /content and documents are empty, placeholders, only links, or shorter than 40 characters/,
    },
    {
      name: "the only document is a placeholder",
      item: inProject({
        documents: [{ title: "Spec", content: "TBD. (to be written after the kick-off, by the team)" }],
      }),
    },
    {
      name: "the issue is in no project",
      item: withIssue({ project: null }),
      message: /^The issue is not in a Linear project/,
    },
    {
      name: "the project has no content or documents",
      item: inProject({}),
      message: /^Project "Login audit" has no specification text .* shorter than 40 characters\)$/,
    },
    {
      name: "the content is shorter than minChars once trimmed",
      item: inProject({ content: `   ${"x".repeat(9)}\n\n  ` }),
      options: { minChars: 10 },
    },
    { name: "only the short project summary is written", item: inProject({ description: SPEC }) },
    {
      name: "every document is too short",
      item: inProject({ documents: [{ title: "Spec", content: "TBD" }, { title: "Empty" }] }),
    },
  ],
});
