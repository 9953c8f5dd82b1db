/**
 * Where a GitLab project lives, from the strings a user or CI has at hand. `host` is always an origin with its
 * protocol (https://gitlab.example.com[:port]), ready for the GitLab client. Instances served under a sub-path
 * (https://example.com/gitlab/…) cannot be told apart from a group named "gitlab"; such setups pass the host
 * explicitly (CI_SERVER_URL).
 */

/** `https://gitlab.example.com/group/sub/app/-/merge_requests/42` (also `…/42/diffs`, `#note_1`, old `…/app/merge_requests/42`). */
export function parseMergeRequestUrl(url: string): { host: string; projectPath: string; iid: number } | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
  const match = /^\/(.+?)(?:\/-)?\/merge_requests\/(\d+)(?:\/.*)?$/.exec(parsed.pathname);
  if (match === null) return null;
  const [, rawPath, rawIid] = match;
  const iid = Number(rawIid);
  if (rawPath === undefined || !Number.isSafeInteger(iid) || iid <= 0) return null;
  const projectPath = safeDecode(rawPath).replace(/\/+$/, "");
  if (!isProjectPath(projectPath)) return null;
  return { host: parsed.origin, projectPath, iid };
}

/**
 * A git remote → the GitLab project it points at:
 * `git@host:group/app.git`, `https://[user:token@]host[:port]/group/app.git`, `ssh://git@host:2222/group/app.git`.
 * SSH ports are not web ports, so SSH remotes map to https on the default port. Credentials never come back.
 */
export function projectFromRemoteUrl(remote: string): { host: string; projectPath: string } | null {
  const trimmed = remote.trim();
  // The host part excludes "@": in "git@:group/app" there is no host, and "git@" must not become one.
  const scp = /^(?:[^@/\s]+@)?([^:/\s@]+):(?!\/)(.+)$/.exec(trimmed);
  if (scp !== null && !/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    const [, hostname, path] = scp;
    if (hostname === undefined || path === undefined) return null;
    return build(`https://${hostname}`, path);
  }
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return null;
  }
  switch (parsed.protocol) {
    case "https:":
    case "http:":
      return build(parsed.origin, parsed.pathname);
    case "ssh:":
    case "git+ssh:":
    case "ssh+git:":
    case "git:":
      return build(`https://${parsed.hostname}`, parsed.pathname);
    default:
      return null;
  }
}

function build(host: string, rawPath: string): { host: string; projectPath: string } | null {
  const projectPath = safeDecode(rawPath)
    .replace(/^\/+/, "")
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
  return isProjectPath(projectPath) ? { host, projectPath } : null;
}

/** GitLab projects live in at least one namespace: "group/app", "group/sub/app". */
function isProjectPath(path: string): boolean {
  const parts = path.split("/");
  return parts.length >= 2 && parts.every((part) => part !== "" && part !== "." && part !== ".." && part !== "-");
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
