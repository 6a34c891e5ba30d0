/**
 * CloudWatch metrics in embedded metric format: one JSON line on standard output per Region,
 * which CloudWatch Logs turns into metrics without a PutMetricData call. Format:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import type { Summary } from "../run.js";

export const METRIC_NAMESPACE = "VpcLint";

export interface RegionMetrics {
  account: string;
  region: string;
  summary: Pick<Summary, "error" | "warning" | "info">;
  /** Failed AWS calls recorded in the snapshot's `Errors`. */
  collectionErrors: number;
  /** Milliseconds from the start of the Region's run to its end. */
  durationMs: number;
  /** 1 when the Region could not be linted at all. */
  failed: number;
}

/** Builds the embedded-metric-format line for one Region. */
export function metricLine(metrics: RegionMetrics, timestamp: number): string {
  const values = {
    ErrorFindings: metrics.summary.error,
    WarningFindings: metrics.summary.warning,
    InfoFindings: metrics.summary.info,
    CollectionErrors: metrics.collectionErrors,
    FailedRuns: metrics.failed,
    Duration: metrics.durationMs,
  };
  const document = {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [["Account", "Region"]],
          Metrics: Object.keys(values).map((name) => ({
            Name: name,
            Unit: name === "Duration" ? "Milliseconds" : "Count",
          })),
        },
      ],
    },
    Account: metrics.account,
    Region: metrics.region,
    ...values,
  };
  return `${JSON.stringify(document)}\n`;
}
