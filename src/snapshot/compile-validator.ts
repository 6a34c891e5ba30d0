/**
 * Compiles the snapshot schema with ajv. The bundled command line replaces this module with code
 * generated at build time (scripts/bundle-cli.mjs), so linting does not pay for compilation.
 */
import { Ajv, type ValidateFunction } from "ajv";
import schema from "../schemas/snapshot.schema.json" with { type: "json" };
import { formats } from "./formats.js";

/** The ajv options both the runtime compilation and the build-time code generation use. */
export const AJV_OPTIONS = { allErrors: true, strict: false } as const;

export function compileSnapshotValidator(): ValidateFunction {
  const ajv = new Ajv(AJV_OPTIONS);
  for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check);
  return ajv.compile(schema);
}
