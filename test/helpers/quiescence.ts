/**
 * "The process has exited" for code run in-process: a spawned CLI ends only when nothing keeps its event loop
 * alive — a retry still sleeping, a request still in flight, a git child still running. `runTracked` runs a function
 * and then waits until everything it started that way is over, so an in-process run ends where the process would
 * have (a sibling request's last retry has reached the fake before the test counts requests).
 *
 * What counts, for the work started inside `fn` (its async context, via AsyncLocalStorage):
 * - handles (timers, sockets, child processes, immediates) while they are ref'd, as Node counts them for exit;
 * - one-shot requests (file system, DNS, connect, write) until their callback has run;
 * - requests made with fetch (undici), from creation to their end or error, on whichever pooled socket they use.
 */
import { AsyncLocalStorage, createHook } from "node:async_hooks";
import { subscribe, unsubscribe } from "node:diagnostics_channel";

interface Run {
  resources: Map<number, { type: string; resource: unknown }>;
  requests: Set<object>;
}

/** Async resources without hasRef() that still keep a process alive until their callback runs. */
const REQUEST_TYPES = new Set([
  "FSREQCALLBACK",
  "GETADDRINFOREQWRAP",
  "GETNAMEINFOREQWRAP",
  "QUERYWRAP",
  "TCPCONNECTWRAP",
  "PIPECONNECTWRAP",
  "WRITEWRAP",
  "SHUTDOWNWRAP",
]);

const context = new AsyncLocalStorage<Run>();
const runs = new Set<Run>();
const owners = new Map<number, Run>();
let active = 0;

const hook = createHook({
  init(asyncId, type, _triggerAsyncId, resource) {
    if (type === "PROMISE") return;
    const run = context.getStore();
    if (run === undefined) return;
    run.resources.set(asyncId, { type, resource });
    owners.set(asyncId, run);
  },
  destroy(asyncId) {
    owners.get(asyncId)?.resources.delete(asyncId);
    owners.delete(asyncId);
  },
});

interface UndiciMessage {
  request: object;
}
const onCreate = (message: unknown): void => {
  context.getStore()?.requests.add((message as UndiciMessage).request);
};
const onEnd = (message: unknown): void => {
  const { request } = message as UndiciMessage;
  for (const run of runs) run.requests.delete(request);
};
const CHANNELS = { create: "undici:request:create", end: ["undici:request:trailers", "undici:request:error"] };

function start(): void {
  if (active++ > 0) return;
  hook.enable();
  subscribe(CHANNELS.create, onCreate);
  for (const name of CHANNELS.end) subscribe(name, onEnd);
}

function stop(): void {
  if (--active > 0) return;
  hook.disable();
  unsubscribe(CHANNELS.create, onCreate);
  for (const name of CHANNELS.end) unsubscribe(name, onEnd);
  owners.clear();
}

function keepsAlive({ type, resource }: { type: string; resource: unknown }): boolean {
  const hasRef = (resource as { hasRef?: unknown } | null)?.hasRef;
  if (typeof hasRef === "function") return (hasRef as () => boolean).call(resource);
  return REQUEST_TYPES.has(type);
}

const busy = (run: Run): boolean => run.requests.size > 0 || [...run.resources.values()].some(keepsAlive);

/**
 * Runs `fn`, then waits (polling between turns of the event loop) until what it started has ended. Rejects when
 * that takes longer than `deadline` (epoch ms), as a process that never exits would time out.
 */
export async function runTracked<T>(fn: () => Promise<T>, deadline: number, onTimeout: () => Error): Promise<T> {
  const run: Run = { resources: new Map(), requests: new Set() };
  start();
  runs.add(run);
  try {
    const value = await context.run(run, fn);
    while (busy(run)) {
      if (Date.now() > deadline) throw onTimeout();
      await new Promise<void>((resolve) => setTimeout(resolve, 5).unref());
    }
    return value;
  } finally {
    runs.delete(run);
    for (const id of run.resources.keys()) owners.delete(id);
    stop();
  }
}
