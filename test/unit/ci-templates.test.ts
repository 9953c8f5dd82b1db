import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";
import {
  defaultInputs,
  gitlabCiSchemaErrors,
  inputSpecProblems,
  interpolate,
  readComponent,
  readYaml,
  resolveJob,
  usedInputs,
  type InputSpec,
  type InputValue,
  type Job,
} from "../helpers/gitlab-ci.js";

const PACKAGE_VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

/** Components as GitLab finds them: templates/<name>.yml or templates/<name>/template.yml (doc/ci/components). */
const COMPONENTS = readdirSync(join(ROOT, "templates"), { withFileTypes: true }).map((entry) =>
  entry.isDirectory() ? `templates/${entry.name}/template.yml` : `templates/${entry.name}`,
);

const BFD = readComponent("templates/bfd.yml");

function bfdJob(inputs: Record<string, InputValue> = {}): Job {
  const config = interpolate(BFD.body, { ...defaultInputs(BFD.inputs), ...inputs }) as Record<string, unknown>;
  return resolveJob(config, "bfd");
}

describe("GitLab's CI schema, as the tests use it", () => {
  it.each([
    ["a valid job", { job: { script: ["true"], allow_failure: { exit_codes: [3] } } }, true],
    ["exit codes that are not numbers", { job: { script: ["true"], allow_failure: { exit_codes: "three" } } }, false],
    ["a when: GitLab does not know", { job: { script: ["true"], when: "sometimes" } }, false],
    ["an unknown keyword", { job: { script: ["true"], interruptable: true } }, false],
  ])("judges %s", (_name, document, valid) => {
    expect(gitlabCiSchemaErrors(document).length === 0).toBe(valid);
  });

  it.each<[string, Record<string, InputSpec>, string | null]>([
    ["a typed default", { comment: { type: "boolean", default: true } }, null],
    ["a default among the options", { from: { options: ["target", "local"], default: "local" } }, null],
    ["a default that matches the regex", { v: { default: "1.2.3", regex: "^\\d+\\.\\d+\\.\\d+$" } }, null],
    ["a default of the wrong type", { comment: { type: "boolean", default: "yes" } }, "is not a boolean"],
    ["a default outside the options", { from: { options: ["target"], default: "main" } }, "not one of its options"],
    ["a default the regex rejects", { v: { default: "v1", regex: "^\\d+$" } }, "does not match"],
    ["an unknown type", { n: { type: "integer" as "number", default: 1 } }, "unknown type"],
    ["an input without a default", { stage: { description: "x" } }, "no default"],
    ["an unknown key", { stage: { default: "x", choices: ["x"] } as InputSpec }, "unknown key choices"],
  ])("checks spec:inputs: %s", (_name, inputs, problem) => {
    const problems = inputSpecProblems(inputs, true);
    if (problem === null) expect(problems).toEqual([]);
    else expect(problems.join("\n")).toContain(problem);
  });

  it.each([
    ["a whole value keeps the input's type", { a: "$[[ inputs.flag ]]" }, { a: false }],
    ["inside a string it is text", { a: "x-$[[ inputs.flag ]]" }, { a: "x-false" }],
    ["keys are interpolated", { "$[[ inputs.name ]]": 1 }, { job: 1 }],
  ])("interpolates inputs: %s", (_name, document, expected) => {
    expect(interpolate(document, { flag: false, name: "job" })).toEqual(expected);
  });

  it("rejects an input the file does not declare, as GitLab does", () => {
    expect(() => interpolate({ a: "$[[ inputs.nope ]]" }, {})).toThrow("unknown interpolation key: inputs.nope");
  });
});

describe("the CI/CD component teams include", () => {
  it("lives where GitLab looks for components", () => {
    expect(COMPONENTS).toEqual(["templates/bfd.yml"]);
  });

  it.each(COMPONENTS)("%s has a valid spec: header whose inputs all have defaults", (path) => {
    const component = readComponent(path);
    expect(gitlabCiSchemaErrors(component.header)).toEqual([]);
    expect(inputSpecProblems(component.inputs, true)).toEqual([]);
  });

  it.each(COMPONENTS)("%s uses every input it declares and declares every input it uses", (path) => {
    const component = readComponent(path);
    expect([...usedInputs(component.body)].sort()).toEqual(Object.keys(component.inputs).sort());
  });

  it.each(COMPONENTS)("%s validates against GitLab's CI schema with its defaults", (path) => {
    const component = readComponent(path);
    expect(gitlabCiSchemaErrors(interpolate(component.body, defaultInputs(component.inputs)))).toEqual([]);
  });

  it.each<Record<string, InputValue>>([
    { allow_outage: true, comment: false, rules_from: "local" },
    { stage: "verify", version: "1.4.0-rc.1", image: "registry.example.com/mirrors/bfd", junit_report: "out/j.xml" },
  ])("templates/bfd.yml validates against GitLab's CI schema with inputs %o", (inputs) => {
    const config = interpolate(BFD.body, { ...defaultInputs(BFD.inputs), ...inputs });
    expect(gitlabCiSchemaErrors(config)).toEqual([]);
  });

  it("runs the bfd image of the package's own version, so the component and the package cannot drift", () => {
    expect(BFD.inputs.version?.default).toBe(PACKAGE_VERSION);
    expect(bfdJob().image).toEqual({ name: `registry.gitlab.com/bfd-tools/bfd:${PACKAGE_VERSION}`, entrypoint: [""] });
    expect(bfdJob({ image: "registry.example.com/mirrors/bfd", version: "2.0.0" }).image).toMatchObject({
      name: "registry.example.com/mirrors/bfd:2.0.0",
    });
  });

  it("runs bfd from its image, never a package fetched from the public npm registry", () => {
    const script = (bfdJob().script as string[]).join("\n");
    expect(script).toContain('bfd "$@"');
    expect(script).not.toMatch(/npx|npm (i|install|exec)\b/);
  });

  it("runs last in merge-request pipelines, whatever the other jobs did, and can be interrupted", () => {
    const job = bfdJob();
    expect(job.stage).toBe(".post");
    expect(job.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"', when: "always" }]);
    expect(job.interruptible).toBe(true);
    // No `needs` (so it waits for every earlier stage) and no artifacts from the jobs it judges.
    expect(job).not.toHaveProperty("needs");
    expect(job.dependencies).toEqual([]);
  });

  it("uploads the JUnit, Code Quality and Markdown reports even when the gate fails", () => {
    expect(bfdJob().artifacts).toMatchObject({
      when: "always",
      paths: ["bfd-report.md"],
      reports: { junit: "bfd-junit.xml", codequality: "gl-code-quality-report.json" },
    });
    expect(
      bfdJob({ junit_report: "r/j.xml", codequality_report: "r/cq.json", markdown_report: "r/m.md" }),
    ).toMatchObject({ artifacts: { paths: ["r/m.md"], reports: { junit: "r/j.xml", codequality: "r/cq.json" } } });
  });

  it.each([
    [false, false],
    [true, { exit_codes: [3] }],
  ])(
    "allow_outage %s makes allow_failure %o: only exit 3 (Linear or GitLab down) may fail open",
    (outage, expected) => {
      expect(bfdJob({ allow_outage: outage }).allow_failure).toEqual(expected);
    },
  );

  it.each([
    [{}, ["--rules-from target", "--report junit=bfd-junit.xml", "--report codequality=gl-code-quality-report.json"]],
    [{ rules_from: "local", markdown_report: "out/bfd.md" }, ["--rules-from local", "--report markdown=out/bfd.md"]],
  ])("passes the inputs %o to bfd ci", (inputs, expected) => {
    const script = (bfdJob(inputs).script as string[]).join("\n");
    for (const fragment of expected) expect(script).toContain(fragment);
  });

  it("documents every input with its default in docs/gitlab-ci.md", () => {
    const docs = readFileSync(join(ROOT, "docs/gitlab-ci.md"), "utf8");
    for (const [name, spec] of Object.entries(BFD.inputs))
      expect(docs, name).toMatch(new RegExp(`^\\| \`${name}\` \\|[^\\n]*\\| \`${String(spec.default)}\` \\|`, "m"));
  });

  it("keeps shell metacharacters out of every input that reaches the script", () => {
    for (const name of ["junit_report", "codequality_report", "markdown_report"]) {
      const regex = new RegExp(BFD.inputs[name]!.regex!);
      expect(
        ["bfd.xml", "reports/bfd.xml"].every((v) => regex.test(v)),
        name,
      ).toBe(true);
      expect(
        ["a;rm -rf ~", "$(id)", "a b", "`id`", "-x"].some((v) => regex.test(v)),
        name,
      ).toBe(false);
    }
    expect(BFD.inputs.rules_from?.options).toEqual(["target", "local"]);
    expect(BFD.inputs.comment?.type).toBe("boolean");
  });
});

describe("bfd's own pipeline (.gitlab-ci.yml)", () => {
  const ci = readYaml(".gitlab-ci.yml") as Record<string, unknown>;
  const job = (name: string): Job => resolveJob(ci, name);
  const text = (name: string): string => JSON.stringify(job(name));

  it("validates against GitLab's CI schema", () => {
    expect(gitlabCiSchemaErrors(ci)).toEqual([]);
  });

  it("installs with a cache, then typechecks, lints, tests and packs on Node 26, the Active LTS", () => {
    expect(JSON.stringify((ci.default as { cache?: unknown }).cache)).toContain("package-lock.json");
    expect((ci.default as { image?: string }).image).toBe("node:26");
    expect(text("typecheck")).toContain("npm run typecheck");
    expect(text("lint")).toContain("npm run lint");
    expect(text("test")).toContain("vitest run");
    expect((job("test").artifacts as { reports?: { junit?: string } }).reports?.junit).toBe("junit.xml");
    expect(text("pack")).toContain("npm pack");
    expect(text("pack")).toContain("scripts/install-packed.sh");
  });

  it.each(["publish-package", "build-image", "release"])(
    "runs %s only on a semantic-version tag, and never lets a newer pipeline interrupt it",
    (name) => {
      expect(job(name).rules).toEqual([{ if: "$CI_COMMIT_TAG =~ /^\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?$/" }]);
      expect(job(name).interruptible).toBe(false);
    },
  );

  it("publishes the packed tarball to this project's GitLab package registry with the job token, never to npmjs", () => {
    const script = (job("publish-package").script as string[]).join("\n");
    expect(script).toContain(
      "@bfd-tools:registry=https://${CI_SERVER_HOST}/api/v4/projects/${CI_PROJECT_ID}/packages/npm/",
    );
    expect(script).toContain(
      "//${CI_SERVER_HOST}/api/v4/projects/${CI_PROJECT_ID}/packages/npm/:_authToken=\\${CI_JOB_TOKEN}",
    );
    expect(script).toContain('npm publish "./bfd-tools-bfd-${CI_COMMIT_TAG}.tgz"');
    expect(script).not.toContain("registry.npmjs.org");
    expect(job("publish-package").dependencies).toEqual(["pack"]);
  });

  it("builds the image from the packed tarball, smoke-tests it, then pushes it to the project's registry", () => {
    const script = (job("build-image").script as string[]).join("\n");
    const order = ["docker build", "--version", "done --snapshot", "docker push"].map((s) => script.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(job("build-image").variables).toMatchObject({ IMAGE: "$CI_REGISTRY_IMAGE:$CI_COMMIT_TAG" });
    expect(job("build-image").dependencies).toEqual(["pack"]);
  });

  it("creates the release the CI/CD catalog publishes from, with the release keyword on the tag", () => {
    expect(job("release").release).toMatchObject({ tag_name: "$CI_COMMIT_TAG" });
    expect(ci.stages).toEqual(["check", "test", "package", "publish", "release"]);
  });
});
