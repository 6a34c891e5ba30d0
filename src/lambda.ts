/**
 * The AWS Lambda entry point, for EventBridge Scheduler and Step Functions. The event format is
 * src/schemas/lambda-event.schema.json; docs/schedule.md describes the deployment.
 */
import type { Context } from "aws-lambda";
import { handleEvent, type LintResponse, type TargetsResponse } from "./lambda/handler.js";
import { applyV8Flags } from "./v8-flags.js";

// Once per execution environment, before its first event.
applyV8Flags();

export type { LintResponse, TargetsResponse } from "./lambda/handler.js";

export async function handler(
  event: unknown,
  context: Context,
): Promise<LintResponse | TargetsResponse> {
  return handleEvent(event, context, {
    env: process.env,
    now: () => new Date(),
    write: (line) => process.stdout.write(line),
  });
}
