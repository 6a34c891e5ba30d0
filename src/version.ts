/** The release version; a test keeps it equal to package.json's. */
export const TOOL_VERSION = "0.2.0";
export const TOOL_NAME = "vpc-lint";
