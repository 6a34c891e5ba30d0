/** Conversion of a parsed YAML document into plain values, with alias mistakes as input errors. */
import { type Document, isAlias, visit } from "yaml";
import { InputError } from "./errors.js";

/**
 * Returns the plain value of a parsed YAML document. The YAML parser raises a bare ReferenceError
 * for an alias without an earlier anchor or for aliases that expand to too many nodes, and turns
 * an alias inside the node its anchor names into a value that contains itself. Each of these
 * raises an InputError that names the file and, where there is one, the alias's line.
 */
export function yamlToValue(
  file: string,
  text: string,
  document: Document,
  maxAliasCount?: number,
): unknown {
  checkAliases(file, text, document);
  try {
    return document.toJS(maxAliasCount === undefined ? {} : { maxAliasCount });
  } catch (error) {
    if (error instanceof ReferenceError && error.message.startsWith("Excessive alias count")) {
      throw new InputError(
        `${file}: its YAML aliases expand to more copies than the parser allows, a limit that ` +
          "guards against resource exhaustion; write the repeated values out or nest fewer aliases",
      );
    }
    throw error;
  }
}

/** Raises an InputError for the first alias that names no earlier anchor or lies inside its anchor. */
function checkAliases(file: string, text: string, document: Document): void {
  visit(document, {
    Alias(_key, alias) {
      if (!isAlias(alias)) return;
      const start = alias.range?.[0] ?? 0;
      const place = `${file}: line ${lineOf(text, start)} has the alias *${alias.source}`;
      const target = alias.resolve(document);
      if (!target) {
        throw new InputError(
          `${place}, but no anchor &${alias.source} comes before it; ` +
            "define the anchor first or write the value out",
        );
      }
      const [targetStart, , targetEnd] = target.range ?? [0, 0, 0];
      if (targetStart <= start && start < targetEnd) {
        throw new InputError(
          `${place} inside the value that &${alias.source} names, so the value would contain ` +
            "itself; write the repeated part out",
        );
      }
    },
  });
}

/** Returns the 1-based line of a character offset. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf("\n"); index !== -1 && index < offset;) {
    line += 1;
    index = text.indexOf("\n", index + 1);
  }
  return line;
}
