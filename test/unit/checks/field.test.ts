import { describe, expect, it } from "vitest";
import { field } from "../../../src/checks/field.js";
import { checkCases } from "../../helpers/check-cases.js";
import { changed, item, withIssue, withMr } from "../../helpers/work-item.js";

checkCases(field, {
  pass: [
    {
      name: "`equals` matches a string",
      item: withMr({ state: "merged" }),
      options: { field: "mergeRequest.state", equals: "merged" },
      message: /^mergeRequest.state is "merged"$/,
      evidence: ['mergeRequest.state: "merged"'],
    },
    {
      name: "`equals` matches case-insensitively when asked",
      item: withMr({ state: "Merged" }),
      options: { field: "mergeRequest.state", equals: "merged", caseInsensitive: true },
    },
    {
      name: "`equals` matches a number",
      item: withIssue({ estimate: 3 }),
      options: { field: "issue.estimate", equals: 3 },
    },
    {
      name: "`equals` matches a boolean",
      item: withMr({ draft: false }),
      options: { field: "mergeRequest.draft", equals: false },
    },
    {
      name: "`equals` matches null",
      item: withIssue({ project: null }),
      options: { field: "issue.project", equals: null },
    },
    {
      name: "`equals` matches one element of a list",
      item: withIssue({ labels: ["bug", "security"] }),
      options: { field: "issue.labels", equals: "security" },
    },
    {
      name: "`in` matches one of the options",
      item: withIssue({ state: { name: "In Review" } }),
      options: { field: "issue.state.name", in: ["In Review", "Done"] },
    },
    {
      name: "`matches` runs an RE2 pattern",
      item: withMr({ title: "ENG-123: Add login audit" }),
      options: { field: "mergeRequest.title", matches: "^[A-Z]+-\\d+: " },
    },
    {
      name: "`matches` is case-insensitive when asked",
      item: withMr({ targetBranch: "Main" }),
      options: { field: "mergeRequest.targetBranch", matches: "^main$", caseInsensitive: true },
    },
    {
      name: "`matches` through an array matches any element (`mergeRequest.changes.newPath`)",
      item: withMr({ changes: [changed("src/a.ts"), changed("db/migrate/001_add_audit.rb")] }),
      options: { field: "mergeRequest.changes.newPath", matches: "^db/migrate/" },
    },
    {
      name: "`contains` finds a substring",
      item: withIssue({ description: "Behind the login_audit flag." }),
      options: { field: "issue.description", contains: "login_audit" },
    },
    {
      name: "`contains` finds an element of a list, case-insensitively when asked",
      item: withMr({ labels: ["Backend"] }),
      options: { field: "mergeRequest.labels", contains: "backend", caseInsensitive: true },
    },
    {
      name: "`exists: true` sees a set value",
      item: withIssue({ estimate: 0 }),
      options: { field: "issue.estimate", exists: true },
    },
    {
      name: "`exists: false` sees an empty list",
      item: withIssue({ labels: [] }),
      options: { field: "issue.labels", exists: false },
    },
    {
      name: "`exists: false` sees null",
      item: withMr({ mergedAt: null }),
      options: { field: "mergeRequest.mergedAt", exists: false },
    },
    {
      name: "`matches` reads a top-level field that needs no issue or merge request",
      item: item({ branch: "jdoe/eng-123-x", issue: null }),
      options: { field: "branch", matches: "eng-123" },
    },
    {
      name: "`minLength` counts characters of a string",
      item: withIssue({ title: "Add login audit" }),
      options: { field: "issue.title", minLength: 10 },
    },
    {
      name: "`minLength` counts elements of a list",
      item: withIssue({ labels: ["a", "b"] }),
      options: { field: "issue.labels", minLength: 2 },
    },
    {
      name: "`minLength` counts elements through an array path",
      item: withMr({ changes: [changed("a"), changed("b")] }),
      options: { field: "mergeRequest.changes.newPath", minLength: 2 },
    },
  ],
  fail: [
    {
      name: "`equals` sees another string",
      item: withMr({ state: "opened" }),
      options: { field: "mergeRequest.state", equals: "merged" },
      message: /^Expected mergeRequest.state is "merged"; found "opened"$/,
      evidence: ['mergeRequest.state: "opened"'],
    },
    {
      name: "`equals` is case-sensitive by default",
      item: withMr({ state: "Merged" }),
      options: { field: "mergeRequest.state", equals: "merged" },
    },
    {
      name: "`equals` does not coerce a number to a string",
      item: withIssue({ estimate: 3 }),
      options: { field: "issue.estimate", equals: "3" },
    },
    {
      name: "`in` matches none of the options",
      item: withIssue({}),
      options: { field: "issue.state.name", in: ["In Review", "Done"] },
      message: /is one of "In Review", "Done"; found "In Progress"/,
    },
    {
      name: "`matches` finds no match",
      item: withMr({ title: "Add login audit" }),
      options: { field: "mergeRequest.title", matches: "^[A-Z]+-\\d+: " },
    },
    {
      name: "`matches` through an array matches no element",
      item: withMr({ changes: [changed("src/a.ts")] }),
      options: { field: "mergeRequest.changes.newPath", matches: "^db/migrate/" },
      evidence: ['mergeRequest.changes.newPath: ["src/a.ts"]'],
    },
    {
      name: "`matches` on a null value",
      item: withIssue({ estimate: null }),
      options: { field: "issue.estimate", matches: ".*" },
    },
    {
      name: "`contains` misses",
      item: withIssue({ description: "No flag." }),
      options: { field: "issue.description", contains: "login_audit" },
    },
    {
      name: "`contains` on a list wants a whole element, not a substring",
      item: withMr({ labels: ["backend-api"] }),
      options: { field: "mergeRequest.labels", contains: "backend" },
    },
    {
      name: "`exists: true` sees an empty string",
      item: withIssue({ description: "" }),
      options: { field: "issue.description", exists: true },
      message: /^Expected issue.description is set; found ""$/,
    },
    {
      name: "`exists: true` sees no current branch",
      item: item({ branch: null }),
      options: { field: "branch", exists: true },
      message: /found null$/,
    },
    {
      name: "`exists: false` sees a set value",
      item: withIssue({ estimate: 2 }),
      options: { field: "issue.estimate", exists: false },
    },
    {
      name: "`minLength` sees too short a string",
      item: withIssue({ title: "Fix" }),
      options: { field: "issue.title", minLength: 10 },
    },
    {
      name: "the value is long, shown cut to 120 characters",
      item: withIssue({ description: "x".repeat(300) }),
      options: { field: "issue.description", equals: "y" },
      message: new RegExp(`found "${"x".repeat(116)}…$`),
    },
  ],
});

describe("field options", () => {
  it.each([
    ["no operator", { field: "issue.title" }],
    ["two operators", { field: "issue.title", equals: "a", contains: "b" }],
    ["an unknown option", { field: "issue.title", equals: "a", equal: "b" }],
  ])("rejects %s", (_what, options) => {
    expect(field.options.safeParse(options).success).toBe(false);
  });

  it.each([
    ["an unknown field", { field: "issue.colour", equals: "red" }, /unknown field "issue.colour"/],
    ["a pattern RE2 cannot compile", { field: "issue.title", matches: "(?=x)" }, /^matches: invalid pattern/],
  ])("reports %s when the rules load", (_what, options, problem) => {
    const parsed = field.options.parse(options);
    expect(field.validate?.(parsed)).toEqual([expect.stringMatching(problem)]);
  });

  it.each([
    ["issue.title", ["issue"]],
    ["mergeRequest.changes.newPath", ["mergeRequest", "mergeRequest.changes"]],
    ["mergeRequest.headPipeline.status", ["mergeRequest", "mergeRequest.headPipeline"]],
    ["mergeRequest.files.path", ["mergeRequest", "mergeRequest.files"]],
    ["mergeRequest.labels", ["mergeRequest"]],
    ["branch", []],
  ])("needs the evidence %s reads", (path, needs) => {
    expect(field.needs(field.options.parse({ field: path, exists: true }))).toEqual(needs);
  });
});
