/**
 * HTTP errors as RFC 9457 problem details (`application/problem+json`, the team's ADR 0029). `type` stays
 * "about:blank", so `title` is the status's phrase (RFC 9457 §4.2.1); `code` is a stable extension member that
 * clients and logs can key on; `detail` is one line saying what to fix, never a secret.
 */
export interface Problem {
  type: "about:blank";
  title: string;
  status: number;
  detail: string;
  code: string;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export function problem(status: number, code: string, detail: string): Problem {
  return { type: "about:blank", title: TITLES[status] ?? "Error", status, detail, code };
}
