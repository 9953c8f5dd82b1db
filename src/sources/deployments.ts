import { instant } from "../time.js";
import type { GitLabSource } from "./gitlab/index.js";

/** The deployment that brought a merge request to an environment. */
export interface DeploymentOfMergeRequest {
  deploymentId: number;
  finishedAt: string;
}

/** How many deployments' MR lists are read at once, and at most in all. */
const BATCH = 10;
const MAX_DEPLOYMENTS_READ = 100;

/**
 * For each wanted MR, the successful deployment to `environment` (finished after `since`) that GitLab lists it under.
 * GitLab links an MR to the deployment that first brought it to the environment, by comparing consecutive successful
 * deployments (doc/api/deployments.md, "List of merge requests associated with a deployment"), so the deployments are
 * read oldest first, a batch at a time, and the reading stops once every wanted MR is found. An MR that no deployment
 * lists (of the first 100 since `since`) has not been deployed there.
 */
export async function deploymentsOfMergeRequests(
  gitlab: GitLabSource,
  project: string,
  query: { environment: string; since: string; iids: readonly number[] },
): Promise<Map<number, DeploymentOfMergeRequest>> {
  const found = new Map<number, DeploymentOfMergeRequest>();
  const wanted = new Set(query.iids);
  if (wanted.size === 0) return found;
  const deployments = (
    await gitlab.listDeployments(project, { environment: query.environment, finishedAfter: query.since })
  )
    .sort((a, b) => instant(a.finishedAt) - instant(b.finishedAt))
    .slice(0, MAX_DEPLOYMENTS_READ);
  for (let start = 0; start < deployments.length && found.size < wanted.size; start += BATCH) {
    const batch = deployments.slice(start, start + BATCH);
    const lists = await Promise.all(batch.map((d) => gitlab.deploymentMergeRequests(project, d.id)));
    batch.forEach((deployment, i) => {
      for (const iid of lists[i]!) {
        if (wanted.has(iid) && !found.has(iid))
          found.set(iid, { deploymentId: deployment.id, finishedAt: deployment.finishedAt });
      }
    });
  }
  return found;
}
