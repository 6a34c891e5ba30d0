/**
 * The scheduled deployment: the function, its least-privilege role, the results bucket, the
 * EventBridge Scheduler schedule, the Step Functions fan-out over an organization, and a
 * StackSet with the member role.
 */
import { join } from "node:path";
import {
  CfnElement,
  CfnStackSet,
  Duration,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
  type StackProps,
} from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as targets from "aws-cdk-lib/aws-scheduler-targets";
import * as sns from "aws-cdk-lib/aws-sns";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import * as tasks from "aws-cdk-lib/aws-stepfunctions-tasks";
import type { Construct, IConstruct } from "constructs";
import { METRIC_NAMESPACE } from "../src/lambda/metrics.js";
import { memberRoleTemplate } from "./member-role.js";
import { collectorActions, REPOSITORY_ROOT } from "./policy.js";

export interface VpcLintStackProps extends StackProps {
  /** Regions each run lints. */
  regions: string[];
  /** Schedule expression, such as `rate(1 day)` or `cron(0 6 * * ? *)`. */
  schedule?: string;
  /** More services every workload subnet must reach, such as kms. */
  requiredServices?: string[];
  /** Lint every active account of the organization through the state machine. */
  organization?: {
    /** Organizational units the StackSet deploys the member role to. */
    organizationalUnitIds: string[];
    /** Region of the StackSet's stack instances. IAM is global, so one Region is enough. */
    stackSetRegion: string;
    externalId?: string;
  };
  /** Map items in flight at once; each lints one account in one Region. */
  maxConcurrency?: number;
  /** Share of failed Map items that still lets the execution succeed, in percent. */
  toleratedFailurePercentage?: number;
  /** Days the reports stay in the bucket. */
  retentionDays?: number;
}

/** Name of the role the StackSet creates in each member account. */
export const MEMBER_ROLE_NAME = "VpcLintReadOnly";

/** Fixed name of the function's role, so member roles can trust it before it exists. */
export const FUNCTION_ROLE_NAME = "vpc-lint-function";

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

export class VpcLintStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly topic: sns.Topic;
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly stateMachine?: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: VpcLintStackProps) {
    super(scope, id, props);
    this.bucket = this.resultsBucket(props.retentionDays ?? 90);
    this.topic = new sns.Topic(this, "NewErrors", {
      displayName: "vpc-lint new errors",
      enforceSSL: true,
    });
    const logGroup = new logs.LogGroup(this, "FunctionLogs", {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = this.functionRole(logGroup, Boolean(props.organization));
    this.function = this.lintFunction(props, logGroup);

    const event = this.baseEvent(props);
    if (props.organization) {
      this.stateMachine = this.fanOut(props);
      new CfnStackSet(this, "MemberRole", {
        stackSetName: "vpc-lint-member-role",
        permissionModel: "SERVICE_MANAGED",
        autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
        capabilities: ["CAPABILITY_NAMED_IAM"],
        templateBody: JSON.stringify(
          memberRoleTemplate({
            roleName: MEMBER_ROLE_NAME,
            trustedRoleArn: this.role.roleArn,
            actions: collectorActions(),
            ...(props.organization.externalId && { externalId: props.organization.externalId }),
          }),
        ),
        stackInstancesGroup: [
          {
            regions: [props.organization.stackSetRegion],
            deploymentTargets: { organizationalUnitIds: props.organization.organizationalUnitIds },
          },
        ],
        operationPreferences: { failureTolerancePercentage: 10, maxConcurrentPercentage: 25 },
      });
    }
    this.scheduleRuns(props, event);
    this.acknowledgeNagFindings();
  }

  /** Records why each remaining cdk-nag AwsSolutions finding is accepted. */
  private acknowledgeNagFindings(): void {
    const partition = "arn:<AWS::Partition>";
    // cdk-nag prints an unresolved account or Region as its pseudo parameter.
    const account = Token.isUnresolved(this.account) ? "<AWS::AccountId>" : this.account;
    const region = Token.isUnresolved(this.region) ? "<AWS::Region>" : this.region;
    acknowledge(
      this.bucket,
      "AwsSolutions-S1",
      "The bucket holds only vpc-lint reports; CloudTrail data events can audit access where required.",
    );
    acknowledge(
      this.function,
      "AwsSolutions-L1",
      "Node.js 24 is the newest Node.js LTS line that the project tests its bundle on.",
    );
    const policy = this.node.findChild("FunctionPolicy");
    acknowledge(
      policy,
      "AwsSolutions-IAM5[Resource::*]",
      "The EC2 Describe*, ssm:DescribeInstanceInformation, Route 53 list and organizations:ListAccounts actions support no resource types; cloudwatch:PutMetricData is limited by its namespace condition.",
    );
    acknowledge(
      policy,
      `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>/vpc-lint/*]`,
      "Report keys are created per run under the vpc-lint/ prefix.",
    );
    acknowledge(
      policy,
      `AwsSolutions-IAM5[Resource::${partition}:securityhub:*:${account}:product/${account}/default]`,
      "The function imports findings in every Region it lints, always into its own account's default product.",
    );
    acknowledge(
      policy,
      `AwsSolutions-IAM5[Resource::${partition}:iam::*:role/${MEMBER_ROLE_NAME}]`,
      "Member accounts are listed at run time; aws:ResourceOrgID limits the role to the organization.",
    );
    const functionId = this.getLogicalId(this.function.node.defaultChild as CfnElement);
    // The schedule's role, and the state machine's, may invoke the function's versions too.
    acknowledge(
      this,
      `AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
      "The CDK grants lambda:InvokeFunction on the function and its versions, all of this one function.",
    );
    if (!this.stateMachine) return;
    acknowledge(
      this.stateMachine,
      "AwsSolutions-IAM5[Resource::*]",
      "X-Ray and CloudWatch Logs delivery actions support no resource types.",
    );
    const machineId = this.getLogicalId(this.stateMachine.node.defaultChild as CfnElement);
    const executions = `${partition}:states:${region}:${account}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machineId}"}]}]}`;
    for (const suffix of [":*", "/*:*"]) {
      acknowledge(
        this.stateMachine,
        `AwsSolutions-IAM5[Resource::${executions}${suffix}]`,
        "A Distributed Map starts and reads child executions whose names Step Functions picks.",
      );
    }
  }

  private resultsBucket(retentionDays: number): s3.Bucket {
    return new s3.Bucket(this, "Results", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { id: "expire-reports", prefix: "vpc-lint/", expiration: Duration.days(retentionDays) },
        { id: "abort-uploads", abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Builds the function's role statement by statement, each on the narrowest resource AWS allows. */
  private functionRole(logGroup: logs.LogGroup, organization: boolean): iam.Role {
    const role = new iam.Role(this, "FunctionRole", {
      roleName: FUNCTION_ROLE_NAME,
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: "vpc-lint: read VPCs, store reports, import findings",
    });
    const statements = [
      new iam.PolicyStatement({
        sid: "Logs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [logGroup.logGroupArn],
      }),
      // docs/iam-policy.md explains why these read-only actions need the resource `*`.
      new iam.PolicyStatement({
        sid: "CollectorReadOnly",
        actions: collectorActions(),
        resources: ["*"],
      }),
      new iam.PolicyStatement({
        sid: "ReportsReadWrite",
        actions: ["s3:GetObject", "s3:PutObject"],
        resources: [this.bucket.arnForObjects("vpc-lint/*")],
      }),
      new iam.PolicyStatement({
        sid: "ReportsList",
        actions: ["s3:ListBucket"],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { "s3:prefix": ["vpc-lint/*"] } },
      }),
      new iam.PolicyStatement({
        sid: "ImportFindings",
        actions: ["securityhub:BatchImportFindings"],
        // The function imports in every Region it lints, into its account's default product.
        resources: [
          `arn:${this.partition}:securityhub:*:${this.account}:product/${this.account}/default`,
        ],
      }),
      new iam.PolicyStatement({
        sid: "Notify",
        actions: ["sns:Publish"],
        resources: [this.topic.topicArn],
      }),
      new iam.PolicyStatement({
        sid: "Metrics",
        actions: ["cloudwatch:PutMetricData"],
        resources: ["*"],
        conditions: { StringEquals: { "cloudwatch:namespace": METRIC_NAMESPACE } },
      }),
    ];
    if (organization) {
      statements.push(
        new iam.PolicyStatement({
          sid: "AssumeMemberRole",
          actions: ["sts:AssumeRole"],
          resources: [`arn:${this.partition}:iam::*:role/${MEMBER_ROLE_NAME}`],
          conditions: { StringEquals: { "aws:ResourceOrgID": "${aws:PrincipalOrgID}" } },
        }),
        // organizations:ListAccounts has no resource type.
        new iam.PolicyStatement({
          sid: "ListAccounts",
          actions: ["organizations:ListAccounts"],
          resources: ["*"],
        }),
      );
    }
    role.attachInlinePolicy(new iam.Policy(this, "FunctionPolicy", { statements }));
    return role;
  }

  private lintFunction(props: VpcLintStackProps, logGroup: logs.LogGroup): NodejsFunction {
    return new NodejsFunction(this, "Function", {
      entry: join(REPOSITORY_ROOT, "src", "lambda.ts"),
      handler: "handler",
      projectRoot: REPOSITORY_ROOT,
      depsLockFilePath: join(REPOSITORY_ROOT, "package-lock.json"),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      // Collection of one Region takes seconds; several Regions of a large account take minutes.
      timeout: Duration.minutes(10),
      role: this.role,
      logGroup,
      // A failed scheduled run is not repeated at once: the next scheduled run covers it.
      retryAttempts: 0,
      environment: {
        VPC_LINT_BUCKET: this.bucket.bucketName,
        VPC_LINT_TOPIC_ARN: this.topic.topicArn,
        VPC_LINT_REGIONS: props.regions.join(","),
        VPC_LINT_ROLE_NAME: MEMBER_ROLE_NAME,
        ...(props.organization?.externalId && {
          VPC_LINT_EXTERNAL_ID: props.organization.externalId,
        }),
        ...(props.requiredServices?.length && {
          VPC_LINT_REQUIRED_SERVICES: props.requiredServices.join(","),
        }),
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: "node24",
        minify: true,
        sourceMap: true,
        // Bundle the AWS SDK clients too, at the versions package-lock.json pins.
        externalModules: [],
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
  }

  /** Returns the event every scheduled run starts from; the environment fills the rest. */
  private baseEvent(props: VpcLintStackProps): Record<string, unknown> {
    return props.organization
      ? { organization: true, regions: props.regions }
      : { regions: props.regions };
  }

  /**
   * Lists the organization's accounts with the function, then lints each account and Region as
   * one item of a Distributed Map, so one failing account fails only its own item.
   */
  private fanOut(props: VpcLintStackProps): sfn.StateMachine {
    const list = new tasks.LambdaInvoke(this, "ListAccounts", {
      lambdaFunction: this.function,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    const lint = new tasks.LambdaInvoke(this, "LintAccountRegion", {
      lambdaFunction: this.function,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    const map = new sfn.DistributedMap(this, "EachAccountAndRegion", {
      itemsPath: "$.events",
      maxConcurrency: props.maxConcurrency ?? 10,
      toleratedFailurePercentage: props.toleratedFailurePercentage ?? 10,
      resultPath: sfn.JsonPath.DISCARD,
    });
    map.itemProcessor(lint);

    const logGroup = new logs.LogGroup(this, "StateMachineLogs", {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    return new sfn.StateMachine(this, "FanOut", {
      definitionBody: sfn.DefinitionBody.fromChainable(list.next(map)),
      timeout: Duration.hours(6),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
  }

  /** Runs daily by default; a failed start is retried twice within an hour, then dropped. */
  private scheduleRuns(props: VpcLintStackProps, event: Record<string, unknown>): void {
    const targetProps = {
      input: scheduler.ScheduleTargetInput.fromObject(event),
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
    };
    const target = this.stateMachine
      ? new targets.StepFunctionsStartExecution(this.stateMachine, targetProps)
      : new targets.LambdaInvoke(this.function, targetProps);
    new scheduler.Schedule(this, "Schedule", {
      schedule: scheduler.ScheduleExpression.expression(props.schedule ?? "rate(1 day)"),
      target,
      description: "Runs vpc-lint",
    });
  }
}
