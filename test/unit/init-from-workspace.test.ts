import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { mapWorkspace, missingSteps, workspaceConfig, type ExpectedNameInput } from "../../src/init/from-workspace.js";
import { ConfigSchema } from "../../src/rules/schema.js";

const state = (
  where: ExpectedNameInput["where"],
  name: string,
  rule: string | null,
  option: string,
  index: number,
) => ({
  where,
  name,
  uses: [{ rule, option, list: option !== "label" && option !== "reviewState", index }],
});

const team = (states: [string, string][], labels: string[] = []) => ({
  key: "ENG",
  name: "Engineering",
  states: states.map(([name, type], position) => ({ name, type, position })),
  labels,
});

describe("mapping the names the rules expect onto a team's workspace", () => {
  it.each([
    ["In Review", [["In Review", "started"]], "In Review", "as written"],
    ["In Review", [["in review", "started"]], "in review", "as written"],
    ["In Review", [["In Reveiw", "started"]], "In Reveiw", "closest spelling"],
    ["In Review", [["Code Review", "started"]], "Code Review", "same words"],
    ["Needs Decision", [["Decision needed", "started"]], "Decision needed", "same words"],
    ["Done", [["Shipped", "completed"]], "Shipped", "state type"],
    ["Needs Decision", [["In Progress", "started"]], null, null],
  ] as const)("state %s in %j → %s (%s)", (name, states, found, how) => {
    const [mapping] = mapWorkspace([state("linear-state", name, "handoff-state-explicit", "names", 0)], {
      team: team(states.map(([n, t]) => [n, t])),
      gitlabLabels: [],
      project: "acme/web",
    });
    expect(mapping).toMatchObject({ found, how });
  });

  it("maps a ready state only to a state nobody has started, else the team's first unstarted one", () => {
    const mappings = mapWorkspace(
      [state("linear-state", "Todo", null, "readyStates", 0), state("linear-state", "Ready", null, "readyStates", 1)],
      {
        team: team([
          ["Ready for Staging", "started"],
          ["Up Next", "unstarted"],
        ]),
        gitlabLabels: [],
        project: null,
      },
    );
    expect(mappings.map((m) => m.found)).toEqual(["Up Next", "Up Next"]);
  });

  it.each([
    ["no-ops-docs", ["no-docs"], [], null],
    ["no-docs", ["No-Docs"], [], "No-Docs"],
    ["Validated in Staging", ["validated-in-staging"], [], "validated-in-staging"],
    ["Validated in Staging", ["Validated"], [], null],
    ["no-docs", [], ["no-docs"], "no-docs"],
  ] as const)("label %s with GitLab %j and Linear %j → %s (never by a shared word)", (name, gitlab, linear, found) => {
    const [mapping] = mapWorkspace([state("any-label", name, "user-docs-updated", "waiverLabels", 0)], {
      team: team([], [...linear]),
      gitlabLabels: [...gitlab],
      project: "acme/web",
    });
    expect(mapping!.found).toBe(found);
  });

  it("writes a config the loader accepts, keeping each option's order, and lists what is missing", () => {
    const expected = [
      state("linear-state", "In Review", "handoff-state-explicit", "names", 0),
      state("linear-state", "Done", "handoff-state-explicit", "names", 1),
      state("linear-state", "In Review", "linear-state-current", "reviewState", 2),
      state("gitlab-label", "Validated in Staging", "staging-validated", "label", 3),
      state("any-label", "no-docs", "user-docs-updated", "waiverLabels", 4),
    ];
    const workspace = {
      team: team([
        ["Code Review", "started"],
        ["Done", "completed"],
      ]),
      gitlabLabels: ["Validated in staging"],
      project: "acme/web",
    };
    const mappings = mapWorkspace(expected, workspace);
    const config = ConfigSchema.parse(parse(workspaceConfig(mappings, workspace, "Linear team ENG")));
    expect(config.linear?.team).toBe("ENG");
    expect(config.gitlab?.project).toBe("acme/web");
    expect(config.override["handoff-state-explicit"]?.with).toEqual({ names: ["Code Review", "Done"] });
    expect(config.override["linear-state-current"]?.with).toEqual({ reviewState: "Code Review" });
    expect(config.override["staging-validated"]?.with).toEqual({ label: "Validated in staging" });
    expect(config.override["user-docs-updated"]).toBeUndefined();
    expect(missingSteps(mappings)).toEqual([
      'label "no-docs" (user-docs-updated): create it in GitLab: acme/web → Manage → Labels',
    ]);
  });
});

describe("--from-gitlab alone", () => {
  it("names the project and no team", () => {
    const workspace = {
      team: { key: "", name: "", states: [], labels: [] },
      gitlabLabels: ["QA ok"],
      project: "acme/web",
    };
    const mappings = mapWorkspace(
      [
        {
          where: "gitlab-label",
          name: "QA OK",
          uses: [{ rule: "staging-validated", option: "label", list: false, index: 0 }],
        },
      ],
      workspace,
    );
    const config = ConfigSchema.parse(parse(workspaceConfig(mappings, workspace, "GitLab project acme/web")));
    expect(config.linear).toBeUndefined();
    expect(config.override["staging-validated"]?.with).toEqual({ label: "QA ok" });
  });
});
