import type { z } from "zod";
import { UpstreamError } from "../../errors.js";
import {
  ISSUE_ATTACHMENTS_PAGE,
  ISSUE_CHILDREN_PAGE,
  ISSUE_INVERSE_RELATIONS_PAGE,
  ISSUE_LABELS_PAGE,
  ISSUE_RELATIONS_PAGE,
  PROJECT_DOCUMENTS_PAGE,
  PROJECT_EXTERNAL_LINKS_PAGE,
  type LinearOperationName,
} from "./documents.js";
import { ListPageDataSchemas, type RawConnection, type RawIssue } from "./map.js";

/**
 * Linear pages every list (50 items unless `first` says otherwise), so an issue with more relations or attachments
 * than its first page holds would hide a blocker or the merge request. Every list bfd reads asks for its cursor;
 * this reads the rest of each list that has more, with one follow-up document per list kind, until every list is
 * whole. All the lists that need it — of one issue or of a whole audit — are read in the same wave, page after page.
 * A list that still cannot be read fails the whole read (exit 3) rather than leaving the issue with part of it.
 */

/** One GraphQL exchange, as the client runs it: the parsed `data` and the HTTP attempts it took. */
export type RunPage = <S extends z.ZodType>(
  operation: LinearOperationName,
  query: string,
  variables: Record<string, unknown>,
  schema: S,
  doing: string,
) => Promise<{ data: z.infer<S>; attempts: number }>;

type ListKind = keyof typeof ListPageDataSchemas;

interface ListSpec {
  /** The list in words, for "reading the rest of ENG-123's relations". */
  words: string;
  /** The next page after `after` of the list of the issue or project `id`. */
  next: (
    runPage: RunPage,
    variables: { id: string; after: string },
    doing: string,
  ) => Promise<{ page: RawConnection<unknown>; attempts: number }>;
}

function listSpec<S extends z.ZodType>(
  schema: S,
  operation: LinearOperationName,
  document: string,
  words: string,
  pick: (data: z.infer<S>) => RawConnection<unknown>,
): ListSpec {
  return {
    words,
    next: async (runPage, variables, doing) => {
      const { data, attempts } = await runPage(operation, document, variables, schema, doing);
      return { page: pick(data), attempts };
    },
  };
}

const LISTS: Record<ListKind, ListSpec> = {
  labels: listSpec(
    ListPageDataSchemas.labels,
    "BfdIssueLabelsPage",
    ISSUE_LABELS_PAGE,
    "labels",
    (data) => data.issue.labels,
  ),
  children: listSpec(
    ListPageDataSchemas.children,
    "BfdIssueChildrenPage",
    ISSUE_CHILDREN_PAGE,
    "sub-issues",
    (data) => data.issue.children,
  ),
  relations: listSpec(
    ListPageDataSchemas.relations,
    "BfdIssueRelationsPage",
    ISSUE_RELATIONS_PAGE,
    "relations",
    (data) => data.issue.relations,
  ),
  inverseRelations: listSpec(
    ListPageDataSchemas.inverseRelations,
    "BfdIssueInverseRelationsPage",
    ISSUE_INVERSE_RELATIONS_PAGE,
    "blockers and incoming relations",
    (data) => data.issue.inverseRelations,
  ),
  attachments: listSpec(
    ListPageDataSchemas.attachments,
    "BfdIssueAttachmentsPage",
    ISSUE_ATTACHMENTS_PAGE,
    "attachments",
    (data) => data.issue.attachments,
  ),
  documents: listSpec(
    ListPageDataSchemas.documents,
    "BfdProjectDocumentsPage",
    PROJECT_DOCUMENTS_PAGE,
    "documents",
    (data) => data.project.documents,
  ),
  externalLinks: listSpec(
    ListPageDataSchemas.externalLinks,
    "BfdProjectExternalLinksPage",
    PROJECT_EXTERNAL_LINKS_PAGE,
    "links",
    (data) => data.project.externalLinks,
  ),
};

/**
 * At most this many follow-up requests in flight: a wave of an audit can hold dozens of lists, and Linear refills
 * its budgets at a constant rate (a leaky bucket, linear.app/developers/rate-limiting), so ten at a time keep a wave
 * short without a burst of one request per list.
 */
const PAGES_IN_FLIGHT = 10;

/** A list with more items than bfd holds, and every copy of it to extend (a project is shared by many issues). */
interface OpenList {
  spec: ListSpec;
  ownerId: string;
  /** Whose list it is, in words: "ENG-123's relations", "project Checkout v2's documents". */
  what: string;
  copies: RawConnection<unknown>[];
  after: string;
}

/** Completes every list of `issues` in place; returns the HTTP attempts it took (0 when every list was whole). */
export async function readListsWhole(issues: readonly RawIssue[], runPage: RunPage): Promise<number> {
  let open = openLists(issues);
  let attempts = 0;
  while (open.length > 0) {
    const pages = await inFlight(
      open.map((list) => async () => {
        const doing = `reading the rest of ${list.what}`;
        const read = await list.spec.next(runPage, { id: list.ownerId, after: list.after }, doing);
        attempts += read.attempts;
        return read.page;
      }),
      PAGES_IN_FLIGHT,
    );
    open = open.flatMap((list, index) => {
      const page = pages[index];
      if (page === undefined) return [];
      // Each follow-up document selects the same fields per item as the first page, so the items are alike.
      for (const copy of list.copies) copy.nodes.push(...page.nodes);
      if (!page.pageInfo.hasNextPage) return [];
      const after = cursorOf(page, list.what);
      // A cursor that does not move would read the same page for ever.
      if (after === list.after) throw listCutError(list.what, "the same cursor twice");
      return [{ ...list, after }];
    });
  }
  return attempts;
}

function openLists(issues: readonly RawIssue[]): OpenList[] {
  const byOwner = new Map<string, OpenList>();
  const add = (kind: ListKind, ownerId: string, owner: string, connection: RawConnection<unknown>): void => {
    if (!connection.pageInfo.hasNextPage) return;
    const spec = LISTS[kind];
    const what = `${owner}'s ${spec.words}`;
    const key = `${kind} ${ownerId}`;
    const known = byOwner.get(key);
    if (known === undefined)
      byOwner.set(key, { spec, ownerId, what, copies: [connection], after: cursorOf(connection, what) });
    else known.copies.push(connection);
  };
  for (const issue of issues) {
    add("labels", issue.id, issue.identifier, issue.labels);
    add("children", issue.id, issue.identifier, issue.children);
    add("relations", issue.id, issue.identifier, issue.relations);
    add("inverseRelations", issue.id, issue.identifier, issue.inverseRelations);
    add("attachments", issue.id, issue.identifier, issue.attachments);
    if (issue.project !== null) {
      const project = `project ${issue.project.name}`;
      add("documents", issue.project.id, project, issue.project.documents);
      add("externalLinks", issue.project.id, project, issue.project.externalLinks);
    }
  }
  return [...byOwner.values()];
}

function cursorOf(connection: RawConnection<unknown>, what: string): string {
  const cursor = connection.pageInfo.endCursor;
  if (cursor === null || cursor === "") throw listCutError(what, "no cursor to read on from");
  return cursor;
}

function listCutError(what: string, problem: string): UpstreamError {
  return new UpstreamError(
    "Linear",
    "linear-bad-response",
    `Linear said ${what} go on but gave ${problem}: bfd cannot read the list whole`,
    { hint: "This is a bfd bug or a change in Linear's API: please report it with the output of --debug." },
  );
}

/**
 * Runs `tasks`, at most `limit` at a time, and returns their results in order. After a failure no new task starts;
 * the first error is thrown once the tasks in flight have settled, so none is left running unobserved.
 */
async function inFlight<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = [];
  let failure: { error: unknown } | undefined;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < tasks.length) {
      const index = next;
      next += 1;
      const task = tasks[index];
      if (task === undefined) return;
      try {
        results[index] = await task();
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}
