/**
 * A fake HTTP transport for the real EC2, SSM, Route 53 and Route 53 Resolver clients. It reads
 * each signed request and returns the EC2 query-protocol XML, Route 53 REST XML or JSON body AWS
 * would send. The SDK's serializers, parsers, retry
 * strategy and endpoint resolution all run, and nothing leaves the process.
 */

/** The parts of the SDK's HTTP request the fake reads. */
interface HttpRequest {
  protocol: string;
  hostname: string;
  port?: number | undefined;
  path?: string;
  headers: Record<string, string>;
  body?: unknown;
}
export const VPC_ID = "vpc-0a1b2c3d4e5f60001";
export const OWNER_ID = "111122223333";
export const INSTANCE_ID = "i-0a1b2c3d4e5f60001";

/** A response the fake sends: an HTTP status and a body. */
export interface FakeResponse {
  status: number;
  body: string;
  contentType?: string;
}

/** One request the fake received, without its body or signature. */
export type Service = "ec2" | "ssm" | "route53" | "route53resolver";

export interface SeenRequest {
  service: Service;
  operation: string;
  protocol: string;
  hostname: string;
  port: number | undefined;
  /** The access key id from the SigV4 Authorization header. */
  accessKeyId: string | undefined;
  /** The Region from the same header's credential scope. */
  region: string | undefined;
  params: URLSearchParams;
}

/**
 * Returns a response for the n-th request (counted from 1) of an operation, or undefined to use
 * the default response.
 */
export type Override = (
  operation: string,
  attempt: number,
  request: SeenRequest,
) => FakeResponse | undefined;

export class FakeAws {
  readonly requests: SeenRequest[] = [];
  private readonly counts = new Map<string, number>();

  constructor(private readonly override: Override = () => undefined) {}

  /** The object to pass as the clients' `requestHandler`. */
  readonly handler = {
    handle: async (request: HttpRequest) => {
      const seen = this.describe(request);
      this.requests.push(seen);
      const attempt = (this.counts.get(seen.operation) ?? 0) + 1;
      this.counts.set(seen.operation, attempt);
      const response = this.override(seen.operation, attempt, seen) ?? defaultResponse(seen);
      return {
        response: {
          statusCode: response.status,
          headers: { "content-type": response.contentType ?? contentTypeOf(seen.service) },
          body: new TextEncoder().encode(response.body),
        },
      };
    },
  };

  /** Counts the requests sent for one operation, retries included. */
  count(operation: string): number {
    return this.requests.filter((request) => request.operation === operation).length;
  }

  private describe(request: HttpRequest): SeenRequest {
    const target = header(request, "x-amz-target");
    const authorization = header(request, "authorization") ?? "";
    const scope = /Credential=([^/]+)\/[^/]+\/([^/]+)\//.exec(authorization);
    const common = {
      protocol: request.protocol,
      hostname: request.hostname,
      port: request.port,
      accessKeyId: scope?.[1],
      region: scope?.[2],
    };
    if (target) {
      return {
        ...common,
        service: target.startsWith("Route53Resolver.") ? "route53resolver" : "ssm",
        operation: target.split(".")[1] ?? target,
        params: new URLSearchParams(),
      };
    }
    const [path, query] = (request.path ?? "").split("?");
    if (path?.startsWith("/2013-04-01/")) {
      const operation = path.endsWith("/hostedzonesbyvpc") ? "ListHostedZonesByVPC" : path;
      return { ...common, service: "route53", operation, params: new URLSearchParams(query) };
    }
    const params = new URLSearchParams(String(request.body ?? ""));
    return { ...common, service: "ec2", operation: params.get("Action") ?? "", params };
  }
}

function header(request: HttpRequest, name: string): string | undefined {
  const key = Object.keys(request.headers).find((candidate) => candidate.toLowerCase() === name);
  return key ? request.headers[key] : undefined;
}

function contentTypeOf(service: Service): string {
  return service === "ec2" || service === "route53"
    ? "text/xml;charset=UTF-8"
    : "application/x-amz-json-1.1";
}

/** Returns an EC2 error body in the query-protocol shape. */
export function ec2Error(code: string, message: string, status = 400): FakeResponse {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors>` +
    "<RequestID>11111111-2222-3333-4444-555555555555</RequestID></Response>";
  return { status, body };
}

/** Returns an SSM error body in the JSON-protocol shape. */
export function ssmError(code: string, message: string, status = 400): FakeResponse {
  return { status, body: JSON.stringify({ __type: code, message }) };
}

/** Returns the default response: one VPC with one subnet and one running instance. */
function defaultResponse(request: SeenRequest): FakeResponse {
  if (request.service === "route53") return { status: 200, body: route53Body(request.operation) };
  if (request.service === "route53resolver") {
    const key =
      request.operation === "ListResolverRules" ? "ResolverRules" : "ResolverRuleAssociations";
    return { status: 200, body: JSON.stringify({ [key]: [] }) };
  }
  if (request.service === "ssm") {
    const body = {
      InstanceInformationList: [
        {
          InstanceId: INSTANCE_ID,
          PingStatus: "Online",
          AgentVersion: "3.3.987.0",
          LastPingDateTime: 1764576000,
        },
      ],
    };
    return { status: 200, body: JSON.stringify(body) };
  }
  return { status: 200, body: ec2Body(request.operation, ec2Content(request)) };
}

function ec2Content(request: SeenRequest): string {
  switch (request.operation) {
    case "DescribeVpcs":
      return (
        "<vpcSet><item>" +
        `<vpcId>${VPC_ID}</vpcId><ownerId>${OWNER_ID}</ownerId><state>available</state>` +
        "<cidrBlock>10.0.0.0/16</cidrBlock><dhcpOptionsId>default</dhcpOptionsId>" +
        "</item></vpcSet>"
      );
    case "DescribeVpcAttribute": {
      const attribute = request.params.get("Attribute") ?? "";
      return `<vpcId>${request.params.get("VpcId")}</vpcId><${attribute}><value>true</value></${attribute}>`;
    }
    case "DescribeSubnets":
      return (
        "<subnetSet><item>" +
        `<subnetId>subnet-0a1b2c3d4e5f60001</subnetId><vpcId>${VPC_ID}</vpcId>` +
        "<availabilityZone>us-east-1a</availabilityZone><ipv6Native>true</ipv6Native>" +
        "<enableDns64>true</enableDns64>" +
        "</item></subnetSet>"
      );
    case "DescribeInstances":
      return (
        "<reservationSet><item><reservationId>r-0a1b2c3d4e5f60001</reservationId><instancesSet><item>" +
        `<instanceId>${INSTANCE_ID}</instanceId><instanceType>t4g.small</instanceType>` +
        `<instanceState><code>16</code><name>running</name></instanceState><vpcId>${VPC_ID}</vpcId>` +
        "</item></instancesSet></item></reservationSet>"
      );
    case "DescribeInstanceTypes":
      return "<instanceTypeSet><item><instanceType>t4g.small</instanceType></item></instanceTypeSet>";
    default:
      return EMPTY_LISTS[request.operation] ?? "";
  }
}

/** The empty list element EC2 returns for each operation when nothing matches. */
const EMPTY_LISTS: Record<string, string> = {
  DescribeRouteTables: "<routeTableSet/>",
  DescribeNatGateways: "<natGatewaySet/>",
  DescribeInternetGateways: "<internetGatewaySet/>",
  DescribeEgressOnlyInternetGateways: "<egressOnlyInternetGatewaySet/>",
  DescribeVpcEndpoints: "<vpcEndpointSet/>",
  DescribeSecurityGroups: "<securityGroupInfo/>",
  DescribeNetworkAcls: "<networkAclSet/>",
  DescribeNetworkInterfaces: "<networkInterfaceSet/>",
  DescribeDhcpOptions: "<dhcpOptionsSet/>",
  DescribeManagedPrefixLists: "<prefixListSet/>",
  GetManagedPrefixListEntries: "<entrySet/>",
  DescribeVpcEndpointServices: "<serviceNameSet/><serviceDetailSet/>",
  DescribeInstanceTypes: "<instanceTypeSet/>",
};

/** Wraps content in the `<OperationResponse>` element EC2 returns. */
export function ec2Body(operation: string, content: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<${operation}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
    `<requestId>11111111-2222-3333-4444-555555555555</requestId>${content}</${operation}Response>`
  );
}

/** Returns a Route 53 REST XML body that lists no hosted zone. */
function route53Body(operation: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<${operation}Response xmlns="https://route53.amazonaws.com/doc/2013-04-01/">` +
    `<HostedZoneSummaries/><MaxItems>100</MaxItems></${operation}Response>`
  );
}
