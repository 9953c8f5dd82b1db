/**
 * Awaits `main` while the other requests of the same wave run on. Each of those is observed at once, so one that
 * fails before the caller awaits it never ends the process as an unhandled rejection (which Node turns into exit 1,
 * read as "not done"); its error surfaces, unchanged, where the caller awaits it.
 */
export function settled<T>(main: Promise<T>, ...alongside: (Promise<unknown> | null | undefined)[]): Promise<T> {
  for (const promise of alongside) promise?.catch(() => undefined);
  return main;
}
