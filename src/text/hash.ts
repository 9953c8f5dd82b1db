/**
 * A fingerprint of a text: FNV-1a over its UTF-16 code units, two 32-bit lanes, and its length. It tells an edited
 * rule file from the one the build saw, and one install of bfd from another (its code cache); it guards against
 * accidents, not attacks — and unlike node:crypto it costs nothing to load at start-up.
 */
export function hashText(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x5bd1e995) ^ (b >>> 15);
  }
  const hex = (n: number): string => (n >>> 0).toString(16).padStart(8, "0");
  return `${hex(a)}${hex(b)}-${text.length}`;
}
