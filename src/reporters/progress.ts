import { sliceWhole } from "../limits.js";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export interface ProgressState {
  /** `bfd audit` */
  command: string;
  /** Services asked so far, in the order they were first asked. */
  services: readonly string[];
  requests: number;
  elapsedMs: number;
  /** Animation step, one per redraw. */
  frame: number;
}

/**
 * One status line: `⠹ bfd audit: reading Linear… 3 requests, 4.2 s`. Never wider than the terminal: a line that
 * wraps could not be erased with a carriage return.
 */
export function progressLine(state: ProgressState, columns: number): string {
  const what = state.services.length === 0 ? "starting" : `reading ${state.services.join(" and ")}`;
  const requests = `${state.requests} request${state.requests === 1 ? "" : "s"}`;
  const line = `${FRAMES[state.frame % FRAMES.length]} ${state.command}: ${what}… ${requests}, ${(state.elapsedMs / 1000).toFixed(1)} s`;
  return [...line].length < columns ? line : `${sliceWhole(line, Math.max(0, columns - 2))}…`;
}

/** Return to the line's start and erase it (CSI 2 K). */
export const ERASE_LINE = "\r\u001b[2K";

export interface StatusLine {
  /** Shows the line for `command` until stop(); one line at a time. */
  start(command: string): { onRequest: (record: { service: string }) => void; stop(): void };
  /** Writes other text to the same stream without tearing the line: erase, write, draw again. */
  write(text: string): void;
  /** Erases the line for good (the command ended, or failed). */
  stopAll(): void;
}

/**
 * The stderr status line of `bfd audit` and `bfd staging`. The clock and the timer are passed in, so tests drive
 * it without waiting; `enabled` false gives a line that never draws (not a terminal, --debug).
 */
export function createStatusLine(options: {
  write: (text: string) => void;
  enabled: boolean;
  columns: () => number;
  now: () => number;
  every: (ms: number, tick: () => void) => () => void;
}): StatusLine {
  let active: { state: ProgressState; startedAt: number; cancel: () => void } | null = null;
  const draw = (): void => {
    if (active === null) return;
    active.state.elapsedMs = options.now() - active.startedAt;
    options.write(`${ERASE_LINE}${progressLine(active.state, options.columns())}`);
  };
  const stop = (): void => {
    if (active === null) return;
    active.cancel();
    active = null;
    options.write(ERASE_LINE);
  };
  return {
    start(command) {
      if (!options.enabled) return { onRequest: () => undefined, stop: () => undefined };
      stop();
      const state: ProgressState = { command, services: [], requests: 0, elapsedMs: 0, frame: 0 };
      const cancel = options.every(120, () => {
        state.frame += 1;
        draw();
      });
      const mine = { state, startedAt: options.now(), cancel };
      active = mine;
      draw();
      return {
        onRequest: (record) => {
          if (active !== mine) return;
          state.requests += 1;
          if (!state.services.includes(record.service)) state.services = [...state.services, record.service];
          draw();
        },
        stop: () => {
          if (active === mine) stop();
        },
      };
    },
    write(text) {
      if (active === null) {
        options.write(text);
        return;
      }
      options.write(ERASE_LINE);
      options.write(text);
      draw();
    },
    stopAll: stop,
  };
}
