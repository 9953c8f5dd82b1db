/**
 * The load run shared by the load test (which asserts behaviour) and scripts/bench-serve.ts (which prints figures):
 * signed deliveries from both vendors at a steady rate, with bursts on the same MRs, while the MRs' real state
 * changes under them.
 */
import { fakeJob, fakePipeline } from "../fakes/gitlab.js";
import { PROJECT_PATH, type DeliveryCase } from "../helpers/delivery-world.js";
import { linearIssueEvent, mergeRequestEvent, postGitLab, postLinear, type World } from "./harness.js";

export const LOAD_MRS = 25;
export const FIRST_MR = 800;

export function loadCases(): DeliveryCase[] {
  return Array.from({ length: LOAD_MRS }, (_, i) => ({ n: FIRST_MR + i }));
}

export interface LoadResult {
  statuses: number[];
  ackMs: number[];
  elapsedMs: number;
}

/**
 * Sends `total` deliveries over about `durationMs`: mostly GitLab MR events, every tenth a Linear issue event, in
 * bursts of five for one MR. Halfway, every third MR's pipeline turns red, so the final state differs from the first;
 * one last event per MR follows, so each MR's final state is decided by an evaluation after the switch.
 */
export async function sendLoad(url: string, world: World, total: number, durationMs: number): Promise<LoadResult> {
  const statuses: number[] = [];
  const ackMs: number[] = [];
  const started = performance.now();
  const gap = durationMs / total;
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    if (i === Math.floor(total / 2)) turnSomeRed(world);
    const burst = Math.floor(i / 5);
    const n = FIRST_MR + (burst % LOAD_MRS);
    const sent = performance.now();
    const delivery =
      i % 10 === 9
        ? postLinear(url, linearIssueEvent(world.linear.world.issues.find((x) => x.identifier === `ENG-${n}`)!.id), {
            deliveryId: `load-linear-${i}`,
          })
        : postGitLab(url, "Merge Request Hook", mergeRequestEvent(n), { uuid: `load-gitlab-${i}` });
    pending.push(
      delivery.then(async (reply) => {
        ackMs.push(performance.now() - sent);
        statuses.push(reply.status);
        await reply.arrayBuffer();
      }),
    );
    const due = started + (i + 1) * gap;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  // A last event for every MR after the switch, as the sweep would send: without it an MR whose deliveries all came
  // before the switch ends wherever the queue happened to be when the switch came (a race, not a verdict).
  for (let n = FIRST_MR; n < FIRST_MR + LOAD_MRS; n += 1) {
    const sent = performance.now();
    pending.push(
      postGitLab(url, "Merge Request Hook", mergeRequestEvent(n), { uuid: `load-final-${n}` }).then(async (reply) => {
        ackMs.push(performance.now() - sent);
        statuses.push(reply.status);
        await reply.arrayBuffer();
      }),
    );
  }
  await Promise.all(pending);
  return { statuses, ackMs, elapsedMs: performance.now() - started };
}

/** The MRs whose pipeline turned red halfway (n ≡ 0 mod 3). */
export function redMrs(): number[] {
  return Array.from({ length: LOAD_MRS }, (_, i) => FIRST_MR + i).filter((n) => n % 3 === 0);
}

function turnSomeRed(world: World): void {
  for (const n of redMrs()) {
    const mr = world.gitlab.world.mergeRequests.find((m) => m.iid === n)!;
    mr.headPipeline = fakePipeline(98_000 + n, "failed", PROJECT_PATH, { jobs: [fakeJob("unit-tests", "failed")] });
  }
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}
