import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { linkPattern } from "../../../src/checks/link-pattern.js";
import { builtinRuleFiles } from "../../../src/rules/files.js";
import { loadRuleSet } from "../../../src/rules/load.js";
import { checkCases } from "../../helpers/check-cases.js";
import { ROOT } from "../../helpers/cli.js";
import { withIssue } from "../../helpers/work-item.js";

const CHALLENGE_URL = "https://index.example.com/challenges/faster-audits";
const inProject = (project: {
  content?: string;
  description?: string;
  documents?: { title: string; content?: string }[];
  links?: { label?: string; url: string }[];
}) => withIssue({ project: { name: "Login audit", ...project } });
const CHALLENGE = { pattern: "challenge", what: "link to the Index Challenge" };
/** As rules/ready.yaml sets it for traceable-to-challenge. */
const BUILTIN = { ...CHALLENGE, pattern: "^https?://[^/?#]+/(?:[^?#]*/)?challenges?/[^/?#]+" };

checkCases(linkPattern, {
  error: [
    {
      name: "the project content is past the size limit and holds no other matching link",
      item: inProject({ content: `[c](https://x.example.com) ${"x".repeat(2_000_000)}` }),
      options: CHALLENGE,
      message: /^The project content is 2,000,0\d\d characters long/,
    },
  ],
  pass: [
    {
      name: "the challenge is a reference-style link (#22: a false fail before)",
      item: inProject({ content: `Answers [the challenge][1].\n\n[1]: ${CHALLENGE_URL}` }),
      options: BUILTIN,
      evidence: [`link: ${CHALLENGE_URL}`],
    },
    {
      name: "a placeholder link comes first and a real one after it",
      item: inProject({ content: `[c](https://index.example.com/challenges/TBD) then [c](${CHALLENGE_URL})` }),
      options: BUILTIN,
    },
    {
      name: "a team's pattern ends in '/' and the link names a challenge after it",
      item: inProject({ content: `[c](${CHALLENGE_URL})` }),
      options: { ...CHALLENGE, pattern: "^https://index\\.example\\.com/challenges/" },
    },
    {
      name: "the link names a placeholder but the rule does not ask for a slug",
      item: inProject({ content: "[c](https://index.example.com/challenges/TBD)" }),
      options: { ...BUILTIN, slug: false },
    },
    {
      name: "the project content links a matching URL",
      item: inProject({ content: `Answers [the ask](${CHALLENGE_URL}).` }),
      options: CHALLENGE,
      message: new RegExp(`${CHALLENGE_URL} \\(in project content\\)$`),
      evidence: [`link: ${CHALLENGE_URL}`],
    },
    {
      name: "the project content has a bare URL, autolinked",
      item: inProject({ content: `See ${CHALLENGE_URL}` }),
      options: CHALLENGE,
    },

    {
      name: "the pattern matches case-insensitively by default",
      item: inProject({ content: "[x](https://index.example.com/CHALLENGES/1)" }),
      options: CHALLENGE,
    },
    {
      name: "a project document has the link",
      item: inProject({ documents: [{ title: "Spec", content: `[c](${CHALLENGE_URL})` }] }),
      options: CHALLENGE,
      message: /in document "Spec"/,
    },
    {
      name: "a project link (resource) has the URL",
      item: inProject({ links: [{ label: "Upstream", url: CHALLENGE_URL }] }),
      options: CHALLENGE,
      message: /in project links/,
    },
    {
      name: "the built-in pattern meets a challenge URL with an id",
      item: inProject({ content: "Answers [IC-9](https://wiki.acme.example/index/challenges/IC-9)." }),
      options: BUILTIN,
    },
    {
      name: "a team sets its own Index address",
      item: inProject({ content: "[IC-9](https://index.acme.example/c/9)" }),
      options: { ...CHALLENGE, pattern: "^https://index\\.acme\\.example/c/" },
    },
    {
      name: "the issue description has the link and is searched",
      item: withIssue({ description: `Context: ${CHALLENGE_URL}` }),
      options: { ...CHALLENGE, in: ["issue.description"] },
      message: /in issue description/,
    },
    {
      name: "the project summary has the link and is searched",
      item: inProject({ description: `${CHALLENGE_URL}` }),
      options: { ...CHALLENGE, in: ["project.description"] },
    },
  ],
  fail: [
    {
      name: "the challenge's slug is one of the team's placeholder words (config evidence.placeholders)",
      item: inProject({ content: "[c](https://index.example.com/challenges/a-definir)" }),
      options: BUILTIN,
      config: { placeholders: ["a definir"] },
      message: /placeholder/,
    },
    ...[
      "https://index.example.com/challenges/TBD",
      "https://index.example.com/challenges/tbd/",
      "https://index.example.com/challenges/TODO",
      "https://index.example.com/challenges/%3Cslug%3E",
      "https://index.example.com/challenges/...",
      "https://index.example.com/challenges/to-do",
    ].map((url) => ({
      name: `the only matching link has a placeholder slug (${url})`,
      item: inProject({ content: `[Challenge](${url})` }),
      options: BUILTIN,
      message: /matches .*, but its slug ".*" is a placeholder$/,
    })),
    {
      name: "a team's pattern ends in '/' and the link has nothing after it",
      item: inProject({ content: "[Challenge](https://index.example.com/challenges/)" }),
      options: { ...CHALLENGE, pattern: "^https://index\\.example\\.com/challenges/" },
      message: /but nothing after the pattern$/,
      evidence: ["link: https://index.example.com/challenges/ (nothing after the pattern)"],
    },
    {
      name: "the built-in pattern meets a link to the challenges list itself",
      item: inProject({ content: "[Challenges](https://index.example.com/challenges/)" }),
      options: BUILTIN,
    },
    {
      name: "no link matches",
      item: inProject({
        content: "[design](https://figma.example.com/f/1)",
        links: [{ url: "https://x.example.com" }],
      }),
      options: CHALLENGE,
      message:
        /^No link to the Index Challenge in project.content, project.documents, project.links \(2 links looked at; a link counts by its URL, matching challenge\)$/,
      evidence: ["link: https://figma.example.com/f/1"],
    },
    {
      name: "the issue is in no project",
      item: withIssue({ project: null, description: CHALLENGE_URL }),
      options: CHALLENGE,
    },
    {
      name: "the word is in plain text, not a link",
      item: inProject({ content: "This answers the Index Challenge." }),
      options: CHALLENGE,
    },
    {
      name: "the link is only in the issue description, which is not searched by default",
      item: withIssue({ description: CHALLENGE_URL, project: { name: "Login audit" } }),
      options: CHALLENGE,
    },
    {
      name: "the link is only in the project summary, which is not searched by default",
      item: inProject({ description: CHALLENGE_URL }),
      options: CHALLENGE,
    },
    {
      name: "only the link text says challenge",
      item: inProject({ content: "From the [Index Challenge](https://docs.example.com/x)." }),
      options: CHALLENGE,
    },
    {
      name: "only a project link's label says challenge",
      item: inProject({ links: [{ label: "Index challenge", url: "https://x.example.com/1" }] }),
      options: CHALLENGE,
    },
    ...(
      [
        ["a query string", "https://example.com/search?q=challenges/1"],
        ["a challenges page with no id", "https://wiki.acme.example/index/challenges/"],
        ["a link text only", "https://example.com/x"],
      ] as const
    ).map(([what, url]) => ({
      name: `the built-in pattern meets ${what}`,
      item: inProject({ content: `[Index Challenge](${url})` }),
      options: BUILTIN,
    })),
    {
      name: "the pattern is case-sensitive when asked",
      item: inProject({ content: "[x](https://index.example.com/CHALLENGES/1)" }),
      options: { ...CHALLENGE, caseInsensitive: false },
    },
  ],
});

describe("link-pattern options", () => {
  it("tests the pattern the built-in traceable-to-challenge rule uses", () => {
    const rules = loadRuleSet({
      builtinFiles: builtinRuleFiles(ROOT, join(ROOT, "rules")),
      configFile: null,
      readRuleFile: () => null,
    }).rules;
    expect(rules.find((r) => r.id === "traceable-to-challenge")?.options).toMatchObject({ pattern: BUILTIN.pattern });
  });

  it("reports a pattern RE2 cannot compile when the rules load", () => {
    expect(linkPattern.validate?.(linkPattern.options.parse({ pattern: "(a)\\1" }))).toEqual([
      expect.stringMatching(/^pattern: invalid pattern/),
    ]);
  });
});
