/**
 * A delivery world for end-to-end runs against both loopback fakes: each case is one Linear issue ENG-<n> and
 * (optionally) one merge request acme/web!<n> that, by default, meets every Done criterion. A case overrides only
 * what it is about, so a failing case fails exactly one rule.
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import {
  fakeDiff,
  fakeMergeRequest,
  fakePipeline,
  fakeProject,
  fakeUser,
  fakeWorld,
  type FakeApproval,
  type FakeDeployment,
  type FakeDiff,
  type FakeLabelEvent,
  type FakeMergeRequest,
  type FakeNote,
  type FakeGitLab,
  type GitLabWorld,
  startFakeGitLab,
} from "../fakes/gitlab.js";
import {
  addIssue,
  emptyWorld,
  gitLabMergeRequestAttachment,
  type FakeAttachment,
  type FakeMergeRequestStatus,
  type IssueInput,
  type FakeLinear,
  type LinearWorld,
  startFakeLinear,
} from "../fakes/linear.js";

export const PROJECT_PATH = "acme/web";
export const PROJECT_ID = 4242;
export const BOT_USER_ID = 1;
export const HUMAN_USER_ID = 2;
/** The MRs' author ("ada"), and a reviewer: who stands behind a waiver is judged by them. */
export const AUTHOR_USER_ID = 3;
export const REVIEWER_USER_ID = 4;

export const CRITERIA_TICKED =
  "## Acceptance criteria\n\n- [x] Each sign-in writes an audit row\n- [x] Rows show in the admin audit log\n";
export const HOW_TESTED =
  "## How tested\n\nRan `npm test` and the audit-log e2e suite in the review app; signed in twice and saw two rows.\n";
export const COMPLETE_FLAG_RECORD =
  "name: audit_sign_ins\nrollout_state: enabled for acme staff\ncommunication: release post in #product\nhelp_docs: published with the GA rollout\nretirement: remove after 2026-12-01\n";

export interface DeliveryCase {
  /** ENG-<n> and acme/web!<n>. */
  n: number;
  title?: string;
  issue?: Partial<Omit<IssueInput, "identifier">>;
  /** null: no merge request in GitLab. */
  mr?: Partial<Omit<FakeMergeRequest, "project" | "iid">> | null;
  /** Content of the feature-flag record the MR touches (at its head sha); null: the MR touches none. */
  flagRecord?: string | null;
  /** Link the MR to the issue as a Linear attachment (default true); or explicit MR iids to attach. */
  attach?: boolean | number[];
}

export const keyOf = (n: number): string => `ENG-${n}`;
export const branchOf = (n: number): string => `ada/eng-${n}-show-sign-in-events`;
export const flagPathOf = (n: number): string => `config/feature_flags/audit_sign_ins_${n}.yml`;
export const shaOf = (n: number): string => `${String(n).padStart(8, "0")}${"c".repeat(32)}`;

/** The files a done MR changes: code, a user-facing component, release notes, docs and (optionally) a flag record. */
export function doneDiffs(n: number, withFlag = true): FakeDiff[] {
  return [
    fakeDiff("src/audit/sign-in.ts"),
    fakeDiff("src/ui/AuditLog.tsx"),
    fakeDiff("CHANGELOG.md"),
    fakeDiff("docs/audit-log.md"),
    ...(withFlag ? [fakeDiff(flagPathOf(n), { newFile: true })] : []),
  ];
}

function mergeRequestOf(c: DeliveryCase): FakeMergeRequest | null {
  if (c.mr === null) return null;
  const key = keyOf(c.n);
  const withFlag = c.flagRecord !== null;
  return fakeMergeRequest(PROJECT_PATH, c.n, {
    title: `${key}: ${c.title ?? "Show sign-in events in the admin audit log"}`,
    description: `Closes ${key}\n\n${HOW_TESTED}`,
    sourceBranch: branchOf(c.n),
    author: "ada",
    sha: shaOf(c.n),
    headPipeline: fakePipeline(88_000 + c.n, "success", PROJECT_PATH),
    diffs: doneDiffs(c.n, withFlag),
    ...c.mr,
  });
}

/** The status Linear shows on the attachment of a merge request that GitLab knows (or does not: shown open). */
function statusInLinear(mr: FakeMergeRequest | undefined): FakeMergeRequestStatus {
  if (mr === undefined || mr.state === "opened" || mr.state === "locked") return mr?.draft === true ? "draft" : "open";
  return mr.state;
}

export interface DeliveryWorlds {
  gitlab: GitLabWorld;
  /** Builds the Linear world once the fake GitLab's URL (the host of MR attachments) is known. */
  linear: (gitlabUrl: string) => LinearWorld;
}

export function deliveryWorlds(
  cases: readonly DeliveryCase[],
  extra: {
    files?: Record<string, Record<string, string>>;
    notes?: FakeNote[];
    mergeRequests?: FakeMergeRequest[];
    deployments?: FakeDeployment[];
    labelEvents?: FakeLabelEvent[];
    approvals?: FakeApproval[];
  } = {},
): DeliveryWorlds {
  const mergeRequests = cases.map(mergeRequestOf).filter((mr): mr is FakeMergeRequest => mr !== null);
  const files: Record<string, Record<string, string>> = { main: {}, ...extra.files };
  for (const c of cases) {
    const mr = mergeRequests.find((m) => m.iid === c.n);
    if (mr !== undefined && c.flagRecord !== null)
      files[mr.sha] = { ...files[mr.sha], [flagPathOf(c.n)]: c.flagRecord ?? COMPLETE_FLAG_RECORD };
  }
  const gitlab = fakeWorld({
    users: [
      fakeUser(BOT_USER_ID, "bfd-bot", "bfd bot"),
      fakeUser(HUMAN_USER_ID, "grace", "Grace Hopper"),
      fakeUser(AUTHOR_USER_ID, "ada", "Ada Lovelace"),
      fakeUser(REVIEWER_USER_ID, "rita", "Rita Reviewer"),
    ],
    projects: [fakeProject(PROJECT_PATH, { id: PROJECT_ID, defaultBranch: "main", files })],
    mergeRequests: [...mergeRequests, ...(extra.mergeRequests ?? [])],
    notes: extra.notes ?? [],
    deployments: extra.deployments ?? [],
    labelEvents: extra.labelEvents ?? [],
    approvals: extra.approvals ?? [],
  });
  const linear = (gitlabUrl: string): LinearWorld => {
    const world = emptyWorld();
    for (const c of cases) {
      const attachTo = c.attach === false ? [] : Array.isArray(c.attach) ? c.attach : c.mr === null ? [] : [c.n];
      const attachments: FakeAttachment[] = attachTo.map((iid, i) => {
        const mr = [...mergeRequests, ...(extra.mergeRequests ?? [])].find((m) => m.iid === iid);
        return gitLabMergeRequestAttachment({
          id: `attachment-${c.n}-${iid}`,
          url: `${gitlabUrl}/${PROJECT_PATH}/-/merge_requests/${iid}`,
          title: `!${iid}`,
          status: statusInLinear(mr),
          createdAt: new Date(Date.UTC(2026, 0, 1, 10, i)).toISOString(),
        });
      });
      addIssue(world, {
        identifier: keyOf(c.n),
        title: c.title ?? "Show sign-in events in the admin audit log",
        description: `Admins see every sign-in in the audit log.\n\n${CRITERIA_TICKED}`,
        branchName: branchOf(c.n),
        estimate: 2,
        stateName: "In Review",
        stateType: "started",
        assigneeId: world.viewerId,
        attachments,
        ...c.issue,
      });
    }
    return world;
  };
  return { gitlab, linear };
}

/** Both fakes serving a delivery world for one test file (see useDeliveryFakes). */
export interface DeliveryFakes {
  readonly gitlab: FakeGitLab;
  readonly linear: FakeLinear;
  /** The fake's merge request acme/web!n, as the tests have changed it so far. */
  mergeRequest(n: number): FakeMergeRequest;
}

/**
 * Starts both fakes on `worlds` before the file's tests (GitLab first: the Linear world names its URL), resets them
 * after each test and closes them after all. The fakes are read through the object returned, once started.
 */
export function useDeliveryFakes(worlds: DeliveryWorlds): DeliveryFakes {
  let gitlab: FakeGitLab | undefined;
  let linear: FakeLinear | undefined;
  beforeAll(async () => {
    gitlab = await startFakeGitLab(worlds.gitlab);
    linear = await startFakeLinear(worlds.linear(gitlab.url));
  });
  afterEach(() => {
    gitlab?.reset();
    linear?.reset();
  });
  afterAll(async () => {
    await Promise.all([gitlab?.close(), linear?.close()]);
  });
  const started = <T>(fake: T | undefined, name: string): T => {
    if (fake === undefined) throw new Error(`the fake ${name} is read before the file's tests started it`);
    return fake;
  };
  return {
    get gitlab() {
      return started(gitlab, "GitLab");
    },
    get linear() {
      return started(linear, "Linear");
    },
    mergeRequest(n) {
      const mr = started(gitlab, "GitLab").world.mergeRequests.find((m) => m.iid === n);
      if (mr === undefined) throw new Error(`no MR !${n}`);
      return mr;
    },
  };
}
