/**
 * Every temporary folder a test run makes (tempDir, mkdtemp, the browser's profile, Redis's data) goes under one
 * folder of its own, removed when the run ends: a run used to leave some 200 folders in /tmp, thousands a day.
 * Test workers start after this and inherit TMPDIR, which os.tmpdir() reads at each call. BFD_KEEP_TEST_TMP=1 keeps
 * the folder and prints where it is, to look at what a failing test wrote.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "bfd-tests-"));
  // Readable by all, as /tmp is: a test runs the CLI as an unprivileged user from a folder in it (cli-basics).
  chmodSync(root, 0o755);
  process.env.TMPDIR = root;
  return () => {
    if (process.env.BFD_KEEP_TEST_TMP === "1") console.log(`\nThe run's temporary files are kept in ${root}`);
    else rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}
