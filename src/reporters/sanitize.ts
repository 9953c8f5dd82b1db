/**
 * Text from Linear and GitLab (titles, labels, descriptions) reaches the terminal: escape sequences in it
 * could rewrite the screen or hide a failure. Strip ANSI/OSC sequences and control characters, keep
 * newlines and tabs only where a caller asks for them.
 */
const ANSI =
  // eslint-disable-next-line no-control-regex
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function stripTerminalControls(text: string, options: { keepNewlines?: boolean } = {}): string {
  const cleaned = text.replace(ANSI, "").replace(CONTROL, "");
  return options.keepNewlines === true ? cleaned : cleaned.replace(/[\r\n\t]+/g, " ");
}

/**
 * Characters XML 1.0 forbids even when escaped (https://www.w3.org/TR/xml/#charsets): U+FFFE, U+FFFF and
 * surrogates that are not part of a pair. The C0 controls are gone already (stripTerminalControls).
 */
const XML_FORBIDDEN = /[\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe for an XML text node or attribute: terminal controls and XML-forbidden characters removed. */
export function xmlSafe(text: string, options: { keepNewlines?: boolean } = {}): string {
  return stripTerminalControls(text, options).replace(XML_FORBIDDEN, "");
}
