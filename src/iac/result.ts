/** The result of reading one infrastructure-as-code file, whatever its kind. */
import { relative, sep } from "node:path";
import type { SourceLocation } from "../run.js";
import type { Snapshot } from "../snapshot/types.js";
import type { UnresolvedValue } from "./builder.js";

export interface IacResult {
  snapshot: Snapshot;
  locations: Map<string, SourceLocation>;
  unresolved: UnresolvedValue[];
  /** Lines for standard error: unresolved values, ignored parameters, dangling references. */
  warnings: string[];
  files: string[];
}

/** Returns a path relative to the working directory with forward slashes, as locations use. */
export function locationFile(path: string): string {
  return relative(process.cwd(), path).split(sep).join("/");
}
