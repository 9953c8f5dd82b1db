/**
 * A planning week for `bfd board` against both loopback fakes, placed around the real clock (the CLI reads it):
 * - backlog issues of team ENG in several states, projects, assignees and labels, some ready and some not;
 * - open merge requests acme/web!31–34 (one done, three not, one of them a draft), from the delivery world;
 * - merge requests merged inside the current release window, one in each staging state: validated, deployed but
 *   not validated, validated before the deploy (stale), not deployed yet.
 * `hostile: true` adds titles made of markup, for the escaping assertions.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stagingWindow } from "../../src/staging/window.js";
import {
  FAKE_TOKEN,
  fakeDeployment,
  fakeLabelEvent,
  fakeMergeRequest,
  startFakeGitLab,
  type FakeGitLab,
  type FakeMergeRequest,
} from "../fakes/gitlab.js";
import { addIssue, FAKE_LINEAR_API_KEY, startFakeLinear, type FakeLinear } from "../fakes/linear.js";
import { deliveryWorlds, PROJECT_PATH } from "../helpers/delivery-world.js";

export const CALENDAR = {
  timeZone: "Europe/Berlin",
  cutoff: { weekday: "thursday", time: "12:00" },
  release: { weekday: "tuesday", time: "10:00" },
} as const;

export const HOSTILE_TITLE = `<script>alert(1)</script> "quotes" & <b>bold</b> 'single'`;
export const HOSTILE_MR_TITLE = `<img src=x onerror="alert(2)"> Fix the </script> in the footer`;

export interface BoardWorld {
  linear: FakeLinear;
  gitlab: FakeGitLab;
  env: Record<string, string>;
  config: string;
  close(): Promise<void>;
}

const LABEL = "Validated in Staging";
const hours = (base: string, h: number): string => new Date(Date.parse(base) + h * 3_600_000).toISOString();

export async function startBoardWorld(dir: string, options: { hostile?: boolean } = {}): Promise<BoardWorld> {
  const now = new Date().toISOString();
  const window = stagingWindow({ ...CALENDAR }, now);
  // The window is at least five days long (the cut-off to the release), so these are inside it and in the past.
  const at = (h: number): string => hours(window.start, h);

  const merged = (iid: number, title: string, h: number, labels: string[] = []): FakeMergeRequest =>
    fakeMergeRequest(PROJECT_PATH, iid, {
      state: "merged",
      mergedAt: at(h),
      updatedAt: at(h + 20),
      labels,
      title: `ENG-${iid}: ${title}`,
      sourceBranch: `ada/eng-${iid}-x`,
      author: "grace",
    });
  const mergedMrs = [
    merged(41, "Show invoice totals in the header", 2, [LABEL]),
    merged(42, "Add the refunds endpoint", 3),
    merged(43, "Cache the exchange rates", 4, [LABEL]),
    merged(44, options.hostile === true ? HOSTILE_MR_TITLE : "Tidy the billing settings page", 30),
  ];
  const deployments = [
    fakeDeployment(PROJECT_PATH, { finishedAt: at(5), mergeRequests: [41, 42] }),
    fakeDeployment(PROJECT_PATH, { finishedAt: at(6), mergeRequests: [43] }),
  ];
  const labelEvents = [
    fakeLabelEvent(PROJECT_PATH, 41, { label: LABEL, createdAt: at(8) }),
    fakeLabelEvent(PROJECT_PATH, 43, { label: LABEL, createdAt: at(5.5) }),
  ];

  const worlds = deliveryWorlds(
    [
      { n: 31, title: "Export invoices as CSV" },
      {
        n: 32,
        title: "Retry failed card payments",
        mr: { headPipeline: { id: 88_032, status: "failed", webUrl: "", sha: null, jobs: [] } },
      },
      { n: 33, title: "Search by customer email", mr: { draft: true, description: "Closes ENG-33" } },
      {
        n: 34,
        title: "Refund audit trail",
        issue: { description: "Refunds are audited.\n\n## Acceptance criteria\n\n- [ ] Every refund writes a row\n" },
      },
    ],
    { mergeRequests: mergedMrs },
  );
  worlds.gitlab.deployments.push(...deployments);
  worlds.gitlab.labelEvents.push(...labelEvents);
  const gitlab = await startFakeGitLab(worlds.gitlab);
  const lw = worlds.linear(gitlab.url);

  const grace = {
    id: "9ace0000-0000-4000-8000-0000000000a1",
    name: "Grace Hopper",
    displayName: "grace",
    email: "g@x",
  };
  const linus = {
    id: "9ace0000-0000-4000-8000-0000000000a2",
    name: "Linus Pauling",
    displayName: "linus",
    email: "l@x",
  };
  lw.users.push(grace, linus);
  lw.projects.push(
    {
      id: "b0a4d000-0000-4000-8000-000000000001",
      name: "Billing revamp",
      url: "https://linear.app/acme/project/billing-revamp",
      description: "Invoices and payments, rebuilt.",
      content:
        "Rebuild invoicing on the ledger. Answers [Index Challenge IC-42](https://index.acme.example/challenges/IC-42).",
      documents: [],
      externalLinks: [],
    },
    {
      id: "b0a4d000-0000-4000-8000-000000000002",
      name: "Search",
      url: "https://linear.app/acme/project/search",
      description: "Find customers fast.",
      content: "Search customers by name, email and invoice number, with typo tolerance and ranking.",
      documents: [],
      externalLinks: [],
    },
  );
  const billing = lw.projects.at(-2)!;
  const search = lw.projects.at(-1)!;
  const criteria = "\n\n## Acceptance criteria\n\n- [ ] The outcome is visible to the user\n";
  const backlog = (
    n: number,
    title: string,
    init: {
      state?: string;
      project?: string | null;
      assignee?: string | null;
      labels?: string[];
      estimate?: number;
      description?: string;
    },
  ): void => {
    addIssue(lw, {
      identifier: `ENG-${n}`,
      title,
      stateName: init.state ?? "Ready",
      stateType: "unstarted",
      projectId: init.project === undefined ? billing.id : init.project,
      assigneeId: init.assignee === undefined ? null : init.assignee,
      labels: init.labels ?? [],
      estimate: init.estimate ?? 2,
      description: init.description ?? `Do the work.${criteria}`,
    });
  };
  backlog(201, "Export invoices as PDF", { assignee: lw.viewerId, labels: ["billing"] });
  backlog(202, "Split payments across two cards", {
    assignee: grace.id,
    labels: ["billing", "payments"],
    estimate: 8,
    description: "Customers want to split a payment.",
  });
  backlog(203, "Typo-tolerant customer search", { project: search.id, assignee: linus.id, labels: ["search"] });
  backlog(204, "Dark mode for the dashboard", {
    state: "Todo",
    project: null,
    labels: ["ui"],
    description: `Follow the system setting.${criteria}\n## Open questions\n\n- Which charts need new colours?\n`,
  });
  backlog(205, "Rate-limit the public API", {
    assignee: lw.viewerId,
    labels: ["api"],
    description: `Needs the gateway work in ENG-190 first.${criteria}`,
  });
  backlog(206, "Invoice footer shows the VAT id", { state: "Todo", assignee: grace.id, labels: ["billing"] });
  backlog(207, "Remember the last search", {
    project: search.id,
    state: "Todo",
    assignee: linus.id,
    labels: ["search"],
  });
  if (options.hostile === true)
    backlog(208, HOSTILE_TITLE, { state: "Todo", assignee: grace.id, labels: ["<i>x</i>"], project: search.id });
  addIssue(lw, { identifier: "ENG-190", title: "API gateway", stateName: "In Progress", stateType: "started" });
  const linear = await startFakeLinear(lw);

  const config = join(dir, "bfd.config.yaml");
  writeFileSync(
    config,
    [
      "gitlab:",
      `  project: ${PROJECT_PATH}`,
      "linear:",
      "  team: ENG",
      "staging:",
      `  timeZone: ${CALENDAR.timeZone}`,
      `  cutoff: { weekday: ${CALENDAR.cutoff.weekday}, time: "${CALENDAR.cutoff.time}" }`,
      `  release: { weekday: ${CALENDAR.release.weekday}, time: "${CALENDAR.release.time}" }`,
      "",
    ].join("\n"),
  );
  return {
    linear,
    gitlab,
    config,
    env: {
      LINEAR_API_KEY: FAKE_LINEAR_API_KEY,
      LINEAR_API_URL: linear.url,
      GITLAB_TOKEN: FAKE_TOKEN,
      GITLAB_URL: gitlab.url,
    },
    close: async () => {
      await linear.close();
      await gitlab.close();
    },
  };
}
