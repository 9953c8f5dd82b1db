import { EditMap } from "micromark-util-edit-map";

type Events = Parameters<EditMap["consume"]>[0];

/** micromark's own `consume`, kept so tests can check the replacement gives the same events. */
export const originalConsume: EditMap["consume"] = EditMap.prototype.consume;

let consumed = 0;
/** How often the replacement ran: a test proves micromark really calls it (the patch reached its instance). */
export function consumeCalls(): number {
  return consumed;
}

/**
 * Applies the edits like micromark's `EditMap.consume`, but rebuilds only the events from the first edit on.
 *
 * Why: micromark 4.0.3 closes every container (list item, block quote) through an EditMap whose `consume` copies
 * the whole event array, so a description with many list items parses in quadratic time (100 KB 1.3 s, 1 MB 49 s).
 * Its edits there are always near the end of the array, so copying only the tail makes parsing linear again.
 * Pinning micromark 4.0.2 (which used `splice` there) was the alternative; it brings back 4.0.2's quadratic
 * `splice` for paragraphs with many trailing-space line breaks (560 KB: 31 s against 11 s), so bfd keeps 4.0.3
 * and replaces this one method. Edits may not overlap, as in micromark.
 */
function consumeTail(this: EditMap, events: Events): undefined {
  consumed += 1;
  const edits = this.map.sort((a, b) => a[0] - b[0]);
  if (edits.length === 0) return undefined;
  const first = edits[0]![0];
  const rebuilt: Events = [];
  let cursor = first;
  for (const [at, remove, add] of edits) {
    for (let i = cursor; i < at; i += 1) rebuilt.push(events[i]!);
    for (const event of add) rebuilt.push(event);
    cursor = at + remove;
  }
  for (let i = cursor; i < events.length; i += 1) rebuilt.push(events[i]!);
  events.length = first;
  for (const event of rebuilt) events.push(event);
  this.map.length = 0;
  this.index.clear();
  return undefined;
}

EditMap.prototype.consume = consumeTail;
