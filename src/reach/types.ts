/** The path a subnet's traffic takes to a service, hop by hop, and where it breaks. */
import type { NatGateway, VpcEndpoint } from "@aws-sdk/client-ec2";

/**
 * `broken` stops traffic; `warning` carries a risk without stopping it; `unknown` lacks data;
 * `info` is advice or an assumption vpc-lint made.
 */
export type HopStatus = "ok" | "broken" | "warning" | "unknown" | "info";

export type HopKind =
  | "resolver"
  | "dns"
  | "route"
  | "nat-gateway"
  | "onward-route"
  | "security-group-egress"
  | "network-acl"
  | "endpoint-security-group"
  | "placement";

/** One hop of a path: the resource that decides it and what happens there. */
export class Hop {
  /** The rule that reports this hop when it is not ok. */
  owner?: string;
  /** Values for the owner's message. */
  facts?: Record<string, string | number>;
  #text: string | (() => string);

  constructor(
    readonly kind: HopKind,
    readonly status: HopStatus,
    /** The resource that decides this hop. */
    readonly resourceId: string,
    /** One sentence, or a function that writes it when first read. */
    text: string | (() => string),
  ) {
    this.#text = text;
  }

  /**
   * One sentence saying what happens at this hop. Most hops of a large network are read only by
   * the JSON report, so the commonest ones are written when first read.
   */
  get text(): string {
    if (typeof this.#text === "function") this.#text = this.#text();
    return this.#text;
  }

  /** Returns the hop as the JSON report prints it, naming the owning rule unless the hop is ok. */
  toJSON(): ReportHop {
    const printed: ReportHop = {
      kind: this.kind,
      status: this.status,
      resourceId: this.resourceId,
      text: this.text,
    };
    if (this.owner && this.status !== "ok") printed.ruleId = this.owner;
    return printed;
  }
}

export interface ReportHop {
  kind: HopKind;
  status: HopStatus;
  resourceId: string;
  text: string;
  ruleId?: string;
}

/** How the traffic reaches the service. */
export type PathMode =
  "endpoint-ipv6" | "endpoint-nat64" | "public-nat64" | "public-ipv6" | "shared-endpoint" | "none";

export type PathVerdict = "reachable" | "unreachable" | "unknown" | "depends-on-hub";

export interface ServicePath {
  vpcId: string;
  subnetId: string;
  /** Short service name such as `ssm`. */
  service: string;
  /** The DNS name clients resolve. */
  host: string;
  /** False for `ec2messages` when every agent in the subnet is recent enough not to need it. */
  required: boolean;
  mode: PathMode;
  verdict: PathVerdict;
  hops: Hop[];
  endpoint?: VpcEndpoint;
  nat?: NatGateway;
}
