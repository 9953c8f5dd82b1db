import { describe, expect, it } from "vitest";
import { assigneeStep, firstStartedState } from "../../src/app/pickup.js";
import { BfdError } from "../../src/errors.js";
import type { Person } from "../../src/work-item/schema.js";
import { JANE, OMAR, withIssue } from "../helpers/work-item.js";

const issueHeldBy = (holder: Person | null) => withIssue({ identifier: "ENG-7", assignee: holder }).issue!;

describe("who may pick an issue up", () => {
  it.each([
    { holder: null, take: false, action: "assign" },
    { holder: JANE, take: false, action: "keep" },
    { holder: OMAR, take: true, action: "take" },
  ])("held by $holder.name, take $take: $action", ({ holder, take, action }) => {
    expect(assigneeStep(issueHeldBy(holder), JANE, take)).toMatchObject({ action, from: holder, to: JANE });
  });

  it("refuses an issue someone else holds without --take, naming them (exit 2)", () => {
    let error: unknown;
    try {
      assigneeStep(issueHeldBy(OMAR), JANE, false);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BfdError);
    expect(error).toMatchObject({ kind: "usage", code: "issue-held" });
    expect((error as BfdError).message).toBe("ENG-7 is assigned to Omar Haddad, not to you (Jane Doe)");
  });
});

describe("the team's first started state (NOTES.md: the started state with the lowest position)", () => {
  const state = (id: string, type: string, position: number) => ({ id, name: id, type, position });
  it.each([
    { states: [state("Todo", "unstarted", 1), state("Doing", "started", 2)], first: "Doing" },
    // Linear's order is by position, not by the order the API lists them in.
    { states: [state("Review", "started", 5), state("Progress", "started", 3)], first: "Progress" },
    { states: [state("Done", "completed", 0), state("Review", "started", 0.5)], first: "Review" },
  ])("picks $first", ({ states, first }) => {
    expect(firstStartedState({ states }, "ENG").id).toBe(first);
  });

  it("says how to fix a team with no started state", () => {
    expect(() => firstStartedState({ states: [state("Todo", "unstarted", 0)] }, "ENG")).toThrow(
      'Linear team ENG has no workflow state of type "started"',
    );
  });
});
