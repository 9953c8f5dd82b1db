/** One HTTP exchange, as shown by `--debug`. URLs are redacted by the renderer; tokens never appear here. */
export interface RequestRecord {
  service: "Linear" | "GitLab";
  method: string;
  url: string;
  status: number | "network-error" | "timeout";
  ms: number;
  attempt: number;
}

export type RequestListener = (record: RequestRecord) => void;
