/**
 * The name of the commit status `bfd serve` publishes by default (`serve.statusName` changes it). Its own module, so
 * the config schema can name it without loading the WorkItem's schemas.
 */
export const DEFAULT_STATUS_NAME = "bfd/done";
