import { CRITERIA_TICKED } from "./test/helpers/delivery-world.js";
import { mergeRequestEvent, postGitLab, startWorld } from "./test/serve/harness.js";
import { serveConfigDir, serveEnv } from "./test/serve/child.js";
import { spawn } from "node:child_process";
import { BIN } from "./test/helpers/cli.js";
const HEAVY = 990;
const d = `Admins see every sign-in in the audit log.\n\n${CRITERIA_TICKED}\n\n## Notes\n\n${"Prose with a [link](https://x.example) and `code`.\n\n```\nlog\n```\n\n".repeat(14_000)}`;
const world = await startWorld([{ n: HEAVY, issue: { description: d } }]);
const config = "serve:\n  projects: [acme/web]\n  sweepMinutes: 0\n  outputs: { linearComment: false }\n";
const child = spawn(process.execPath, ["--cpu-prof", "--cpu-prof-dir=/tmp/r425prof", BIN, "serve", "--host", "127.0.0.1"], { cwd: serveConfigDir(config), env: serveEnv(world), stdio: ["ignore", "pipe", "inherit"] });
let out = ""; child.stdout.on("data", (c) => (out += c));
const exited = new Promise((r) => child.once("exit", r));
while (!/listening on (http:\/\/[^ "]+)/.test(out)) await new Promise((r) => setTimeout(r, 50));
const s = { url: /listening on (http:\/\/[^ "]+)/.exec(out)![1]!, output: () => out, child, exited };
for (let i = 0; i < 4; i++) {
  const t = performance.now();
  await postGitLab(s.url, "Merge Request Hook", mergeRequestEvent(HEAVY), { uuid: `p-${i}` });
  await new Promise((r) => setTimeout(r, 2500));
}
console.log(s.output().split("\n").filter((l) => l.includes("duration_ms")).map((l) => JSON.parse(l)["bfd.duration_ms"]));
s.child.kill("SIGTERM"); await s.exited; await world.close();
