/** Escaping for text read from a snapshot, so it prints as data and never as layout or markup. */
import { escapeMarkdown } from "./sarif-rules.js";

/**
 * C0 controls, DEL, C1 controls, the Unicode line and paragraph separators, and the bidirectional
 * formatting characters, which can end a line, recolour a terminal or reorder the text around them.
 */
const UNSAFE_CLASS =
  "[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]";
const UNSAFE = new RegExp(UNSAFE_CLASS, "g");
/** A backslash or an unsafe character: text without either prints as it is. */
const NEEDS_ESCAPING = new RegExp(`\\\\|${UNSAFE_CLASS}`);
/** Backslashes that would otherwise run into an escape or into text that reads like one. */
const BEFORE_ESCAPE = new RegExp(`\\\\+(?=u[0-9a-fA-F]{4}|${UNSAFE_CLASS})`, "g");

/**
 * Replaces each unsafe character with a visible `\uXXXX` escape and keeps every other character.
 * Backslashes right before such an escape, or before `uXXXX` text, are doubled, so an odd run of
 * them always ends in an escape and text such as a literal `\u202e` never reads as one.
 */
export function printable(text: string): string {
  if (!NEEDS_ESCAPING.test(text)) return text;
  return escapeUnsafe(text.replace(BEFORE_ESCAPE, "$&$&"));
}

/**
 * Escapes the unsafe characters of JSON text. JSON writes every backslash of the data as `\\`,
 * so a `\uXXXX` there already reads as an escape and backslashes stay as they are.
 */
export function printableJson(json: string): string {
  return escapeUnsafe(json);
}

function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Escapes text for one line of Markdown prose, table cell or heading. `#` and `~` are escaped too,
 * since they can close a heading or strike text through. An `@` that starts a word gets a zero
 * width space after it, so a tag value such as `@org/team` in a pull request comment does not
 * notify that team.
 */
export function markdownText(text: string): string {
  return escapeMarkdown(printable(text))
    .replace(/[#~]/g, "\\$&")
    .replace(/(?<!\w)@(?=\w)/g, "@\u200B");
}

/** Wraps text in a Markdown code span whose backtick fence is longer than any run inside it. */
export function markdownCode(text: string): string {
  const content = printable(text);
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(content) ? " " : "";
  return `${fence}${pad}${content}${pad}${fence}`;
}
