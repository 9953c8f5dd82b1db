import type { Reporter } from "./types.js";

export const renderJson: Reporter = (report) => `${JSON.stringify(report, null, 2)}\n`;
