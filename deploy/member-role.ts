/**
 * The CloudFormation template of the member-account role: the collector's read-only actions,
 * plus importing the account's own findings, assumable only by the central function's role.
 */

export interface MemberRoleOptions {
  roleName: string;
  /** ARN of the function's role in the central account. */
  trustedRoleArn: string;
  actions: string[];
  /** Required as `sts:ExternalId` when set. */
  externalId?: string;
}

/** Returns the template as a plain object, for a StackSet's TemplateBody or a file. */
export function memberRoleTemplate(options: MemberRoleOptions): Record<string, unknown> {
  const trust: Record<string, unknown> = {
    Effect: "Allow",
    Principal: { AWS: options.trustedRoleArn },
    Action: "sts:AssumeRole",
  };
  if (options.externalId)
    trust.Condition = { StringEquals: { "sts:ExternalId": options.externalId } };

  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "vpc-lint read-only role for a member account",
    Resources: {
      Role: {
        Type: "AWS::IAM::Role",
        Properties: {
          RoleName: options.roleName,
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [trust] },
          Policies: [
            {
              PolicyName: "vpc-lint",
              PolicyDocument: {
                Version: "2012-10-17",
                Statement: [
                  // docs/iam-policy.md explains why these read-only actions need the resource `*`.
                  {
                    Sid: "CollectorReadOnly",
                    Effect: "Allow",
                    Action: options.actions,
                    Resource: "*",
                  },
                  {
                    // Security Hub accepts a finding only from the account it belongs to.
                    Sid: "ImportOwnFindings",
                    Effect: "Allow",
                    Action: "securityhub:BatchImportFindings",
                    Resource: {
                      "Fn::Sub":
                        "arn:${AWS::Partition}:securityhub:*:${AWS::AccountId}:product/${AWS::AccountId}/default",
                    },
                  },
                ],
              },
            },
          ],
        },
      },
    },
    Outputs: { RoleArn: { Value: { "Fn::GetAtt": ["Role", "Arn"] } } },
  };
}
