import { describe, expect, it } from "vitest";
import { ReportStore, reportsClient } from "../../src/lambda/storage.js";

/** A request as the S3 client hands it to its HTTP handler. */
interface SentRequest {
  hostname: string;
  path?: string;
  method: string;
}

/**
 * Returns an HTTP handler that responds as S3 does for a bucket in eu-west-1. A request to another
 * Region's endpoint gets the 301 PermanentRedirect that names the bucket's Region, and a request
 * to eu-west-1 succeeds.
 */
function bucketInIreland(sent: SentRequest[]) {
  return {
    handle: async (request: SentRequest) => {
      sent.push({ hostname: request.hostname, path: request.path, method: request.method });
      const inBucketRegion = request.hostname.includes(".s3.eu-west-1.");
      const body = inBucketRegion
        ? ""
        : '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PermanentRedirect</Code>' +
          "<Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message>" +
          "<Endpoint>reports.s3.eu-west-1.amazonaws.com</Endpoint><Bucket>reports</Bucket></Error>";
      return {
        response: {
          statusCode: inBucketRegion ? 200 : 301,
          headers: {
            "content-type": "application/xml",
            "x-amz-bucket-region": "eu-west-1",
          },
          body: new TextEncoder().encode(body),
        },
      };
    },
  };
}

describe("reports client", () => {
  it("follows a bucket in another Region", async () => {
    const sent: SentRequest[] = [];
    const client = reportsClient("us-east-1", {
      requestHandler: bucketInIreland(sent),
      credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "example" },
    });
    const store = new ReportStore(client, "reports");

    await store.put("vpc-lint/report.json", "{}", "application/json");

    expect(sent.map((request) => request.method)).toEqual(["PUT", "PUT"]);
    expect(sent[0]?.hostname).toBe("reports.s3.us-east-1.amazonaws.com");
    expect(sent[1]?.hostname).toBe("reports.s3.eu-west-1.amazonaws.com");
  });
});
