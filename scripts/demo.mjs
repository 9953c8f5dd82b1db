// `npm run demo`: builds bfd if needed, then runs the gates on the bundled example snapshots so a fresh
// clone shows a passing and a failing checklist for each gate. The gates' own exit codes (1 for the
// failing examples) are expected here; the demo itself exits 0 unless bfd crashed or misbehaved.
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { existsSync, statSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "dist", "bfd.js");
const newest = (dir) =>
  Math.max(...readdirSync(dir, { recursive: true }).map((f) => statSync(join(dir, String(f))).mtimeMs));
if (!existsSync(bin) || newest(join(root, "src")) > statSync(bin).mtimeMs) {
  console.log("Building bfd…");
  const built = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], { stdio: "inherit" });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const runs = [
  ["ready", "examples/ready-pass.json", 0, "an issue that is ready to pick up"],
  ["ready", "examples/ready-fail.json", 1, "an epic-sized issue with no acceptance criteria or specification"],
  ["done", "examples/done-pass.json", 0, "a merge request that meets the Done criteria"],
  ["done", "examples/done-fail.json", 1, "a merge request that misses several Done criteria (one waived)"],
];
let unexpected = 0;
for (const [gate, file, expected, what] of runs) {
  console.log(`\n\u001b[2m$ bfd ${gate} --snapshot ${file}    # ${what}\u001b[22m\n`);
  const result = spawnSync(process.execPath, [bin, gate, "--snapshot", file], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, FORCE_COLOR: process.env.NO_COLOR ? "0" : (process.env.FORCE_COLOR ?? "1") },
  });
  console.log(
    `\u001b[2m(exit code ${result.status}: ${result.status === 0 ? "gate passed" : result.status === 1 ? "gate failed" : "error"})\u001b[22m`,
  );
  if (result.status !== expected) unexpected += 1;
}
if (unexpected > 0) {
  console.error(`\ndemo: ${unexpected} run(s) did not give the expected exit code`);
  process.exit(1);
}
console.log("\nTry: node dist/bfd.js done --snapshot examples/done-fail.json --format json");
