/**
 * Why a filtered listing came back empty, when the reason is a typo: `bfd audit --team ENGG` or `--state Redy` would
 * otherwise print "No issues match." and exit 0 — a false green (#24). Linear's issues filter matches nothing for a
 * name that does not exist, and says nothing about it, so the names are read only then: the team's key among the
 * workspace's, and the team's states, the workspace's labels and projects for the filters that were given.
 */
import { inputError, printable } from "../../errors.js";
import { didYouMean } from "../../text/closest.js";
import type { IssueListFilter, LinearSource } from "./client.js";

/** Choices listed in full up to this many; a longer list (a workspace's labels) is cut: the closest are named before. */
const CHOICES_SHOWN = 12;

/** One filter the workspace has no name for, as a clause of the error line. */
function unknownName(what: string, typed: string, where: string, available: readonly string[]): string | null {
  // Linear compares these filters with eqIgnoreCase (src/sources/linear/client.ts, listIssues).
  const wanted = typed.trim().toLowerCase();
  if (available.some((name) => name.toLowerCase() === wanted)) return null;
  const shown = available.slice(0, CHOICES_SHOWN).join(", ");
  const more = available.length > CHOICES_SHOWN ? ` and ${available.length - CHOICES_SHOWN} more` : "";
  const choices = available.length === 0 ? `${where} has none` : `${what}s: ${shown}${more}`;
  return `no ${what} "${printable(typed, 60)}" in ${where}.${didYouMean(typed, available)} ${capitalised(choices)}`;
}

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Throws an input error (exit 2) naming each filter that matched no name in the workspace, with the closest names and
 * the choices; returns when every filter names something that exists (the listing is then truly empty).
 */
export async function explainEmptyListing(linear: LinearSource, filter: IssueListFilter): Promise<void> {
  const team = filter.teamKey.trim().toUpperCase();
  const teamKeys = await linear.teamKeys();
  const noTeam = unknownName("team", team, "this workspace", teamKeys);
  if (noTeam !== null) {
    throw inputError(
      "team-not-found",
      noTeam,
      "Pass a team key from the list with --team (the prefix of its issue keys: ENG for ENG-123), or set linear.team in bfd.config.yaml.",
    );
  }
  const [states, labels, projects] = await Promise.all([
    filter.stateName === undefined ? null : linear.teamWorkflow(team).then((w) => w.states.map((s) => s.name)),
    filter.label === undefined ? null : linear.workspaceNames("labels"),
    filter.projectName === undefined ? null : linear.workspaceNames("projects"),
  ]);
  const problems = [
    states === null ? null : unknownName("state", filter.stateName!, `team ${team}`, states),
    labels === null ? null : unknownName("label", filter.label!, "this workspace", labels),
    projects === null ? null : unknownName("project", filter.projectName!, "this workspace", projects),
  ].filter((problem): problem is string => problem !== null);
  if (problems.length === 0) return;
  throw inputError(
    "unknown-filter",
    problems.join(" · "),
    "Names are compared ignoring case: copy the name as Linear shows it, or leave the filter out.",
  );
}
