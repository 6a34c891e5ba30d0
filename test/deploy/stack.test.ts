import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { App, Validations } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { afterEach, describe, expect, it, vi } from "vitest";
import { collectorActions } from "../../deploy/policy.js";
import { MEMBER_ROLE_NAME, VpcLintStack, type VpcLintStackProps } from "../../deploy/stack.js";

const ENV = { account: "111122223333", region: "eu-west-1" };
const ORGANIZATION = {
  organizationalUnitIds: ["ou-abcd-11112222"],
  stackSetRegion: "eu-west-1",
  externalId: "vpc-lint-external",
};

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

// Each synthesis takes seconds, and bundling with esbuild more, on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

const outdirs: string[] = [];

afterEach(() => {
  for (const outdir of outdirs.splice(0)) rmSync(outdir, { recursive: true, force: true });
});

/** Builds an app in a temporary folder; `bundle` false skips esbuild, as `cdk synth --exclusively` would. */
function newApp(bundle = false): App {
  const outdir = mkdtempSync(join(tmpdir(), "vpc-lint-cdk-"));
  outdirs.push(outdir);
  return new App({ outdir, ...(bundle ? {} : { context: { "aws:cdk:bundling-stacks": [] } }) });
}

function synth(props: Partial<VpcLintStackProps> = {}): Template {
  const stack = new VpcLintStack(newApp(), "VpcLint", {
    env: ENV,
    regions: ["eu-west-1", "eu-central-1"],
    ...props,
  });
  return Template.fromStack(stack);
}

function functionStatements(template: Template): Statement[] {
  const policies = template.findResources("AWS::IAM::Policy", {
    Properties: { PolicyName: Match.stringLikeRegexp("^FunctionPolicy") },
  });
  const policy = Object.values(policies)[0] as {
    Properties: { PolicyDocument: { Statement: Statement[] } };
  };
  return policy.Properties.PolicyDocument.Statement;
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** Read-only by name: AWS names every read action Describe*, Get* or List*. */
const READ_ONLY = /^[a-z0-9-]+:(Describe|Get|List)[A-Za-z0-9]*$/;

describe("function", () => {
  it("runs on Node.js 22 or newer", () => {
    const template = synth();
    const functions = Object.values(template.findResources("AWS::Lambda::Function")) as Array<{
      Properties: { Runtime: string };
    }>;

    expect(functions).toHaveLength(1);
    const version = Number(/^nodejs(\d+)\.x$/.exec(functions[0]?.Properties.Runtime ?? "")?.[1]);
    expect(version).toBeGreaterThanOrEqual(22);
  });

  it("names the bucket and topic in its environment", () => {
    synth().hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({
          VPC_LINT_BUCKET: Match.anyValue(),
          VPC_LINT_TOPIC_ARN: Match.anyValue(),
          VPC_LINT_REGIONS: "eu-west-1,eu-central-1",
        }),
      },
    });
  });

  it("bundles a handler that runs", async () => {
    const app = newApp(true);
    new VpcLintStack(app, "VpcLint", { env: ENV, regions: ["eu-west-1"] });

    const assembly = app.synth();

    const assets = readdirSync(assembly.directory).filter((name) => name.startsWith("asset."));
    const bundles = assets.filter((name) =>
      existsSync(join(assembly.directory, name, "index.mjs")),
    );
    expect(bundles).toHaveLength(1);
    // The bundle runs in its own Node.js process, as Lambda would load it, not through vitest.
    const bundle = pathToFileURL(join(assembly.directory, bundles[0] as string, "index.mjs")).href;
    const script = `const { handler } = await import(${JSON.stringify(bundle)});
      await handler({ regions: ["Ireland"], output: { bucket: "results" } },
        { awsRequestId: "r-1", invokedFunctionArn: "arn:aws:lambda:eu-west-1:111122223333:function:f" })
        .catch((error) => console.log(error.name + ": " + error.message));`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", AWS_EC2_METADATA_DISABLED: "true" },
    });
    expect(run.stdout).toContain(
      'EventError: invalid event: /regions/0 ("Ireland") does not match',
    );
  }, 120_000);
});

describe("function policy", () => {
  it("grants the collector's actions from docs/iam-policy.md", () => {
    const statements = functionStatements(synth());
    const collector = statements.find((statement) => statement.Sid === "CollectorReadOnly");

    expect(collector && actionsOf(collector)).toEqual(collectorActions());
  });

  it("has no write action on EC2 or SSM", () => {
    const actions = functionStatements(synth({ organization: ORGANIZATION })).flatMap(actionsOf);
    const ec2AndSsm = actions.filter((action) => /^(ec2|ssm):/.test(action));

    expect(ec2AndSsm.length).toBeGreaterThan(0);
    expect(ec2AndSsm.filter((action) => !READ_ONLY.test(action))).toEqual([]);
    expect(actions.filter((action) => action.includes("*"))).toEqual([]);
  });

  it("uses a wildcard resource only where AWS allows no other", () => {
    const statements = functionStatements(synth({ organization: ORGANIZATION }));
    const wildcards = statements
      .filter((statement) => statement.Resource === "*")
      .map((statement) => statement.Sid);

    expect(wildcards.sort()).toEqual(["CollectorReadOnly", "ListAccounts", "Metrics"]);
  });

  it("limits PutMetricData to the namespace", () => {
    const metrics = functionStatements(synth()).find((statement) => statement.Sid === "Metrics");

    expect(metrics?.Condition).toEqual({ StringEquals: { "cloudwatch:namespace": "VpcLint" } });
  });

  it("grants the listed actions on their resources", () => {
    const statements = functionStatements(synth({ organization: ORGANIZATION }));
    const bySid = Object.fromEntries(statements.map((statement) => [statement.Sid, statement]));

    expect(actionsOf(bySid.ReportsReadWrite as Statement)).toEqual([
      "s3:GetObject",
      "s3:PutObject",
    ]);
    expect(actionsOf(bySid.ReportsList as Statement)).toEqual(["s3:ListBucket"]);
    expect(actionsOf(bySid.ImportFindings as Statement)).toEqual([
      "securityhub:BatchImportFindings",
    ]);
    expect(bySid.ImportFindings?.Resource).toEqual({
      "Fn::Join": [
        "",
        [
          "arn:",
          { Ref: "AWS::Partition" },
          ":securityhub:*:111122223333:product/111122223333/default",
        ],
      ],
    });
    expect(actionsOf(bySid.Notify as Statement)).toEqual(["sns:Publish"]);
    expect(actionsOf(bySid.AssumeMemberRole as Statement)).toEqual(["sts:AssumeRole"]);
    expect(bySid.AssumeMemberRole?.Resource).toEqual({
      "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, `:iam::*:role/${MEMBER_ROLE_NAME}`]],
    });
  });

  it("leaves out the organization grants for one account", () => {
    const sids = functionStatements(synth()).map((statement) => statement.Sid);

    expect(sids).not.toContain("AssumeMemberRole");
    expect(sids).not.toContain("ListAccounts");
  });
});

describe("results bucket", () => {
  it("is encrypted and blocks public access", () => {
    synth().hasResourceProperties("AWS::S3::Bucket", {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  it("expires reports by a lifecycle rule", () => {
    synth({ retentionDays: 30 }).hasResourceProperties("AWS::S3::Bucket", {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: "vpc-lint/", ExpirationInDays: 30, Status: "Enabled" }),
        ]),
      },
    });
  });

  it("denies requests without TLS", () => {
    synth().hasResourceProperties("AWS::S3::BucketPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Deny",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ]),
      },
    });
  });
});

describe("schedule", () => {
  it("turns off the function's asynchronous retries", () => {
    synth().hasResourceProperties("AWS::Lambda::EventInvokeConfig", { MaximumRetryAttempts: 0 });
  });

  it("invokes the function with a retry policy", () => {
    synth({ schedule: "cron(0 6 * * ? *)" }).hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "cron(0 6 * * ? *)",
      Target: {
        Arn: { "Fn::GetAtt": [Match.stringLikeRegexp("^Function"), "Arn"] },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        Input: JSON.stringify({ regions: ["eu-west-1", "eu-central-1"] }),
      },
    });
  });

  it("starts the state machine for an organization", () => {
    synth({ organization: ORGANIZATION }).hasResourceProperties("AWS::Scheduler::Schedule", {
      Target: {
        Arn: { Ref: Match.stringLikeRegexp("^FanOut") },
        Input: JSON.stringify({ organization: true, regions: ["eu-west-1", "eu-central-1"] }),
      },
    });
  });
});

describe("organization fan-out", () => {
  function definition(props: Partial<VpcLintStackProps> = {}): Record<string, unknown> {
    const template = synth({ organization: ORGANIZATION, ...props });
    const machines = Object.values(
      template.findResources("AWS::StepFunctions::StateMachine"),
    ) as Array<{
      Properties: { DefinitionString: { "Fn::Join": [string, unknown[]] } };
    }>;
    const parts = machines[0]?.Properties.DefinitionString["Fn::Join"][1] ?? [];
    // Tokens such as the function ARN sit inside JSON strings, so a bare placeholder keeps JSON valid.
    const text = parts.map((part) => (typeof part === "string" ? part : "ARN")).join("");
    return JSON.parse(text) as Record<string, unknown>;
  }

  it("maps over accounts and Regions in distributed mode", () => {
    const states = definition({ maxConcurrency: 5, toleratedFailurePercentage: 20 })
      .States as Record<string, Record<string, unknown>>;
    const map = states.EachAccountAndRegion;

    expect(map?.Type).toBe("Map");
    expect(map?.ItemsPath).toBe("$.events");
    expect(map?.MaxConcurrency).toBe(5);
    expect(map?.ToleratedFailurePercentage).toBe(20);
    expect((map?.ItemProcessor as { ProcessorConfig: { Mode: string } }).ProcessorConfig.Mode).toBe(
      "DISTRIBUTED",
    );
  });

  it("deploys the member role through a StackSet", () => {
    const template = synth({ organization: ORGANIZATION });
    const stackSets = Object.values(
      template.findResources("AWS::CloudFormation::StackSet"),
    ) as Array<{
      Properties: {
        TemplateBody: unknown;
        PermissionModel: string;
        AutoDeployment: { Enabled: boolean };
      };
    }>;

    expect(stackSets).toHaveLength(1);
    expect(stackSets[0]?.Properties.PermissionModel).toBe("SERVICE_MANAGED");
    expect(stackSets[0]?.Properties.AutoDeployment.Enabled).toBe(true);
    const body = JSON.stringify(stackSets[0]?.Properties.TemplateBody);
    expect(body).toContain(MEMBER_ROLE_NAME);
    expect(body).toContain("sts:ExternalId");
    expect(body).toContain("vpc-lint-external");
  });
});

describe("cdk-nag AwsSolutions", () => {
  it.each([
    ["one account", { env: ENV }],
    ["an organization", { env: ENV, organization: ORGANIZATION }],
    ["an organization, environment-agnostic", { organization: ORGANIZATION }],
  ])("passes for %s", (_name, props) => {
    const app = newApp();
    new VpcLintStack(app, "VpcLint", { regions: ["eu-west-1"], ...props });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    expect(() => app.synth()).not.toThrow();
  });
});
