/** Whether an internet gateway or egress-only internet gateway carries a VPC's traffic. */
import type { InternetGatewayAttachment } from "@aws-sdk/client-ec2";
import type { SectionName } from "../snapshot/types.js";
import type { SnapshotIndex } from "./snapshot-index.js";
import { lower } from "./util.js";

/**
 * Attachment states that carry traffic. DescribeInternetGateways returns `available` for an
 * attached internet gateway, and DescribeEgressOnlyInternetGateways returns `attached`
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InternetGatewayAttachment.html).
 */
const CARRYING_STATES = new Set(["available", "attached"]);

export type GatewayKind = "internet-gateway" | "egress-only-internet-gateway";

/**
 * How a gateway serves a VPC: `attached`, `detached` (missing, attached elsewhere or being
 * detached, so traffic stops), or `unknown` when the snapshot lacks what decides it.
 */
export type GatewayAttachmentStatus =
  | { status: "attached" }
  | { status: "detached"; problem: string }
  | { status: "unknown"; reason: string };

/** Returns the section that lists gateways of a kind. */
export function gatewaySection(kind: GatewayKind): SectionName {
  return kind === "internet-gateway" ? "InternetGateways" : "EgressOnlyInternetGateways";
}

/** Judges whether the gateway a route names is attached to the route table's VPC. */
export function gatewayAttachment(
  index: SnapshotIndex,
  kind: GatewayKind,
  gatewayId: string,
  vpcId: string,
): GatewayAttachmentStatus {
  const section = gatewaySection(kind);
  if (!index.has(section)) {
    return {
      status: "unknown",
      reason: `${section} is not in the snapshot, so whether ${gatewayId} is attached to ${vpcId} is unknown`,
    };
  }
  const gateway = index.gateway(kind, gatewayId);
  // The collector lists only the internet gateways attached to the collected VPCs, so a gateway
  // missing from the section is deleted or attached to none of them.
  if (!gateway) {
    return {
      status: "detached",
      problem: `is missing from ${section} (deleted, or attached to no VPC the snapshot covers)`,
    };
  }
  // Inputs built from templates leave the attachments out for a gateway they only refer to.
  if (!gateway.Attachments) {
    return { status: "unknown", reason: `the attachments of ${gatewayId} are not in the snapshot` };
  }
  const attachment = gateway.Attachments.find((item) => item.VpcId === vpcId);
  if (!attachment) return { status: "detached", problem: attachedElsewhere(gateway.Attachments) };
  return judgeState(attachment, gatewayId, vpcId);
}

/** Lists a gateway's attachments for a message, such as `vpc-0a1 (available)` or `none`. */
export function describeAttachments(attachments: readonly InternetGatewayAttachment[]): string {
  if (attachments.length === 0) return "none";
  return attachments
    .map((item) => `${item.VpcId ?? "unknown VPC"} (${item.State ?? "no State"})`)
    .join(", ");
}

function attachedElsewhere(attachments: readonly InternetGatewayAttachment[]): string {
  if (attachments.length === 0) return "is attached to no VPC";
  const vpcIds = attachments.map((item) => item.VpcId ?? "an unknown VPC");
  return `is attached to ${vpcIds.join(", ")} instead`;
}

function judgeState(
  attachment: InternetGatewayAttachment,
  gatewayId: string,
  vpcId: string,
): GatewayAttachmentStatus {
  const state = lower(attachment.State);
  if (CARRYING_STATES.has(state)) return { status: "attached" };
  if (state === "") {
    return {
      status: "unknown",
      reason: `the State of the attachment of ${gatewayId} to ${vpcId} is not in the snapshot`,
    };
  }
  // An attachment that is still being made carries traffic once it completes.
  if (state === "attaching") {
    return {
      status: "unknown",
      reason: `${gatewayId} is still attaching to ${vpcId}, so whether it carries traffic is unknown`,
    };
  }
  return { status: "detached", problem: `has its attachment to ${vpcId} in state ${state}` };
}
