/**
 * Awaits `main` while the other requests of the same wave run on. Each of those is observed at once, so one that
 * fails before the caller awaits it never ends the process as an unhandled rejection (which Node turns into exit 1,
 * read as "not done"); its error surfaces, unchanged, where the caller awaits it.
 */
export function settled<T>(main: Promise<T>, ...alongside: (Promise<unknown> | null | undefined)[]): Promise<T> {
  for (const promise of alongside) promise?.catch(() => undefined);
  return main;
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
