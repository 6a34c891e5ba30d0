/**
 * Builds the EC2, SSM, Route 53 and Route 53 Resolver clients and resolves the Region and
 * credentials before any call.
 */
import { EC2Client, type EC2ClientConfig } from "@aws-sdk/client-ec2";
import { Route53Client } from "@aws-sdk/client-route-53";
import {
  Route53ResolverClient,
  type Route53ResolverClientConfig,
} from "@aws-sdk/client-route53resolver";
import { SSMClient } from "@aws-sdk/client-ssm";
import { InputError } from "../errors.js";
import { oneLine } from "./errors.js";

/**
 * Attempts per request, the first included. Describe calls are read-only and cheap to repeat, so
 * this allows more retries than the SDK default of 3 before a throttled call is recorded as failed.
 */
export const DEFAULT_MAX_ATTEMPTS = 6;

/** Client settings a caller may fix, such as a local transport and static credentials in tests. */
export type ClientOverrides = Pick<EC2ClientConfig, "requestHandler" | "credentials">;

export interface ClientSettings {
  region?: string;
  profile?: string;
  maxAttempts?: number;
  /** Milliseconds a request may wait on an idle socket; defaults to REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  overrides?: ClientOverrides;
}

export interface Clients {
  ec2: EC2Client;
  ssm: SSMClient;
  route53: Route53Client;
  resolver: Route53ResolverClient;
  region: string;
}

/**
 * Builds the clients with adaptive retry, resolves the Region and loads the credentials once,
 * so a missing Region or profile fails before any request, with a message that names the fix.
 */
export async function createClients(settings: ClientSettings): Promise<Clients> {
  const shared = sharedConfig(settings);
  const providerLog = new ProviderLog();
  const ec2 = new EC2Client({ ...shared, ...regionOption(settings), logger: providerLog });
  try {
    const region = await resolveRegion(ec2, settings, providerLog);
    await loadCredentials(ec2, settings, providerLog);
    // The other clients reuse the EC2 client's memoized credentials, so a profile that runs a
    // process or an SSO login resolves once.
    const others = { ...shared, region, credentials: ec2.config.credentials };
    const ssm = new SSMClient(others);
    // Route 53 is a global service: the SDK sends its calls to the partition's global endpoint
    // whatever the Region, and ListHostedZonesByVPC names the VPC's Region in VPCRegion.
    const route53 = new Route53Client(others);
    // NOTE: the Resolver client is an older SDK release than the others (3.654.0, the newest the
    // package registry serves). package.json overrides its @smithy/types to the shared 4.x
    // release; its config type still differs, hence the cast.
    const resolver = new Route53ResolverClient(others as unknown as Route53ResolverClientConfig);
    return { ec2, ssm, route53, resolver, region };
  } catch (error) {
    ec2.destroy();
    throw error;
  }
}

/** Closes the sockets of every client, which would otherwise stay open in a warm Lambda. */
export function destroyClients(clients: Clients): void {
  clients.ec2.destroy();
  clients.ssm.destroy();
  clients.route53.destroy();
  clients.resolver.destroy();
}

/** Milliseconds to open a connection, and to wait on an idle socket, before a request fails. */
const CONNECTION_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 30_000;

function sharedConfig(settings: ClientSettings): EC2ClientConfig {
  const config: EC2ClientConfig = {
    retryMode: "adaptive",
    // Without timeouts a server that accepts the connection and never responds stalls the run.
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: settings.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      // Without this the handler only logs a warning when the request timeout passes.
      throwOnRequestTimeout: true,
    },
    ...settings.overrides,
  };
  if (settings.profile) config.profile = settings.profile;
  // An explicit maxAttempts would hide AWS_MAX_ATTEMPTS, so the default applies only without it.
  const maxAttempts =
    settings.maxAttempts ?? (process.env.AWS_MAX_ATTEMPTS ? undefined : DEFAULT_MAX_ATTEMPTS);
  if (maxAttempts !== undefined) config.maxAttempts = maxAttempts;
  return config;
}

/**
 * Returns the Region option: the explicit Region, else AWS_DEFAULT_REGION when AWS_REGION is
 * unset. The SDK itself reads only AWS_REGION and the profile, while the AWS CLI also reads
 * AWS_DEFAULT_REGION, so both tools then agree.
 */
function regionOption(settings: ClientSettings): { region?: string } {
  if (settings.region) return { region: settings.region };
  const fallback = process.env.AWS_DEFAULT_REGION;
  if (!process.env.AWS_REGION && fallback) return { region: fallback };
  return {};
}

async function resolveRegion(
  ec2: EC2Client,
  settings: ClientSettings,
  providerLog: ProviderLog,
): Promise<string> {
  let region: string | undefined;
  try {
    region = await ec2.config.region();
  } catch {
    region = undefined;
  }
  if (region) return region;
  const profile = settings.profile ?? process.env.AWS_PROFILE;
  // A mistyped profile gives no Region either, and setting a Region in it would not help: when
  // the profile itself fails to give credentials, that is the error to name.
  if (profile) {
    const failed = await loadCredentials(ec2, settings, providerLog).catch((error: unknown) =>
      error instanceof InputError && providerLog.profileProblem(profile) ? error : undefined,
    );
    if (failed) throw failed;
  }
  const where = profile ? `the profile "${profile}"` : "the default profile";
  const file = process.env.AWS_CONFIG_FILE || "~/.aws/config";
  throw new InputError(
    `no AWS Region to collect from: pass --region, set AWS_REGION, or set region in ${where} ` +
      `of the AWS config file ${file}`,
  );
}

async function loadCredentials(
  ec2: EC2Client,
  settings: ClientSettings,
  providerLog: ProviderLog,
): Promise<void> {
  try {
    await ec2.config.credentials();
  } catch (error) {
    const profile = settings.profile ?? process.env.AWS_PROFILE;
    const reason =
      (profile && providerLog.profileProblem(profile)) ??
      (error instanceof Error ? error.message.split("\n")[0] : String(error));
    throw new InputError(credentialsHint(profile, reason));
  }
}

/**
 * A client logger that keeps the credential providers' debug messages and drops the rest, as the
 * SDK's default logger does. They give the reason a profile failed, which the chain's final error
 * ("Could not load credentials from any providers") leaves out.
 */
class ProviderLog implements NonNullable<EC2ClientConfig["logger"]> {
  private readonly messages: string[] = [];

  debug(...content: unknown[]): void {
    const text = content.map(String).join(" ");
    const match = /^@smithy\/property-provider (?:->|\(!\)) (.*)$/s.exec(text);
    if (match?.[1]) this.messages.push(match[1]);
  }

  info(): void {}

  warn(...content: unknown[]): void {
    // The provider chain writes its warnings to the console when no logger is set.
    if (String(content[0]).startsWith("@aws-sdk/credential-provider")) console.warn(...content);
  }

  error(): void {}

  /**
   * Returns the first message about the profile. A failed credential_process is named without
   * its message, which quotes the command and its standard error, where secrets may appear.
   */
  profileProblem(profile: string): string | undefined {
    const name = profile.toLowerCase();
    for (const message of this.messages) {
      if (message.startsWith("Command failed:")) return "its credential_process command failed";
      const lower = message.toLowerCase();
      if (lower.includes(`profile ${name}`) || lower.includes(`profile: [${name}]`)) {
        return oneLine(message).replace(/\.$/, "");
      }
    }
    return undefined;
  }
}

function credentialsHint(profile: string | undefined, reason: string | undefined): string {
  if (profile) {
    return (
      `could not load AWS credentials for profile "${profile}" (${reason}): check the ` +
      "profile in ~/.aws/config or ~/.aws/credentials (or the files AWS_CONFIG_FILE and " +
      `AWS_SHARED_CREDENTIALS_FILE name), or for an SSO profile run aws sso login --profile ${profile}`
    );
  }
  return (
    `could not load AWS credentials (${reason}): pass --profile or set AWS_PROFILE, set ` +
    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an IAM role is available"
  );
}
