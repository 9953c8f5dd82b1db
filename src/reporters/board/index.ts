import type { BoardData } from "../../board/board.js";
import type { BoardRenderOptions } from "./html.js";

/** The board's formats: one page for now. Loaded when asked for, like every reporter. */
export const BOARD_FORMATS = ["html"] as const;
export type BoardFormat = (typeof BOARD_FORMATS)[number];

export type BoardReporter = (board: BoardData, options: BoardRenderOptions) => string;

const LOADERS: Record<BoardFormat, () => Promise<BoardReporter>> = {
  html: async () => (await import("./html.js")).renderBoardHtml,
};

export function loadBoardReporter(format: BoardFormat): Promise<BoardReporter> {
  return LOADERS[format]();
}
