// `npm run pack:report [-- bfd-tools-bfd-X.Y.Z.tgz]`: what a team downloads and installs. Packs the current dist/
// (without rebuilding) unless given a tarball, installs it with scripts/install-packed.sh into a temporary prefix,
// and prints the numbers the README quotes: tarball size, files, installed size and installed package count.
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "bfd-pack-report-"));
try {
  let tarball = process.argv[2] === undefined ? undefined : resolve(process.argv[2]);
  if (tarball === undefined) {
    const [packed] = JSON.parse(
      execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { cwd: root }).toString(),
    );
    tarball = join(work, packed.filename);
  }
  const prefix = join(work, "prefix");
  execFileSync("sh", [join(root, "scripts", "install-packed.sh"), tarball, prefix], { stdio: "ignore" });

  const modules = join(prefix, "lib", "node_modules");
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? walk(path) : entry.isFile() ? [path] : [];
    });
  const files = walk(modules);
  const installedBytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
  // Every installed package has its own package.json directly under a node_modules folder (scoped: one level down).
  const packages = files.filter((f) => /node_modules\/(@[^/]+\/)?[^/@][^/]*\/package\.json$/.test(f)).length;
  const kB = (bytes) => `${(bytes / 1000).toFixed(0)} kB`;
  console.log(
    `tarball ${kB(statSync(tarball).size)} · installed ${kB(installedBytes)} in ${files.length} files · ` +
      `${packages} package${packages === 1 ? "" : "s"} installed`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
