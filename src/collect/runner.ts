/** Runs AWS calls under the concurrency cap, records failures and logs progress. */
import type { CollectionError, SectionName } from "../snapshot/types.js";
import { sectionInfo } from "../snapshot/sections.js";
import { chunk, joinChunks } from "./chunks.js";
import { summarizeError } from "./errors.js";
import type { Limiter } from "./limiter.js";

/** One logical call: an operation, optionally scoped to one VPC or resource. */
export interface CallId {
  operation: string;
  scope?: string;
}

/** Names the operation that fills a section. `position` picks a later operation of the section. */
export function callOf(section: SectionName, scope?: string, position = 0): CallId {
  const operation = sectionInfo(section).operations[position];
  if (!operation) throw new Error(`section ${section} has no operation at position ${position}`);
  return scope === undefined ? { operation } : { operation, scope };
}

export interface PageMetadata {
  $metadata?: { attempts?: number; httpStatusCode?: number };
}

/**
 * Operations of JSON APIs, whose empty result may leave its list out. The EC2 and Route 53 APIs
 * return the list element even when it is empty. A page without it, such as an HTML error page
 * from a proxy, did not come from the service and must not read as no resources.
 */
const LIST_MAY_BE_ABSENT = new Set([
  "DescribeInstanceInformation",
  "ListResolverRules",
  "ListResolverRuleAssociations",
]);

/**
 * Operations of Route 53's global endpoint, which serves every Region. Their success does
 * not show that the credentials may read the Region.
 */
const GLOBAL_OPERATIONS = new Set(["ListHostedZonesByVPC"]);

/** An error for a page that the SDK read but that is not a valid response of the service. */
export class InvalidPageError extends Error {
  override readonly name = "InvalidResponse";
}

/**
 * Maximum pages of one call. A service that hands out a new NextToken on every page would
 * otherwise be followed until the process ends.
 * NOTE: an estimate, not an AWS limit. At even 10 items a page, it allows 100,000 items in one
 * call.
 */
export const MAX_PAGES = 10_000;

/** The output field that carries a call's next-page token, and the maximum pages to follow. */
export interface PagingLimits {
  tokenField?: string;
  maxPages?: number;
}

/**
 * Yields a paginator's pages, and throws an InvalidPageError at a page whose token an earlier
 * page returned, or at page `maxPages` when it still returns a token. The token is in NextToken
 * unless `tokenField` names another field, such as S3's NextContinuationToken. A paginator made
 * with `stopOnSameToken` stops when a page returns the token of its own request, as the last page
 * of some services does, but it follows a longer cycle forever.
 */
export async function* withoutRepeats<P>(
  pages: AsyncIterable<P>,
  { tokenField = "NextToken", maxPages = MAX_PAGES }: PagingLimits = {},
): AsyncGenerator<P> {
  const tokens = new Set<string>();
  let previous: unknown;
  let count = 0;
  for await (const page of pages) {
    count += 1;
    const token = (page as Record<string, unknown>)[tokenField];
    if (typeof token === "string" && token !== "" && token !== previous) {
      if (count >= maxPages) {
        throw new InvalidPageError(
          `page ${count} still returned a ${tokenField}, so the pages may never end; vpc-lint ` +
            `reads at most ${maxPages} pages of one call`,
        );
      }
      if (tokens.has(token)) {
        throw new InvalidPageError(
          `page ${count} returned a ${tokenField} that an earlier page returned, so the pages ` +
            "repeat",
        );
      }
      tokens.add(token);
    }
    previous = token;
    yield page;
  }
}

export class CallRunner {
  /** Failures in the order they happened, one per failed call. */
  readonly errors: CollectionError[] = [];
  succeeded = 0;
  /** Successful calls to the Region's own endpoints, which leave out Route 53's global one. */
  succeededInRegion = 0;
  /** Calls announced by the waves so far, and calls finished, for progress output. */
  private planned = 0;
  private finished = 0;

  constructor(
    private readonly limiter: Limiter,
    private readonly log: (line: string) => void,
    private readonly progress?: (done: number, planned: number) => void,
    /** Once aborted, every request that has not started fails without being sent. */
    private readonly signal?: AbortSignal,
  ) {}

  /**
   * Fetches every page of one paginated call, each page under the concurrency cap. Returns the
   * items of all pages, or undefined after recording the failure.
   */
  async paginate<P extends PageMetadata, T>(
    call: CallId,
    pages: AsyncIterable<P>,
    itemsOf: (page: P) => T[] | undefined,
  ): Promise<T[] | undefined> {
    const iterator = withoutRepeats(pages)[Symbol.asyncIterator]();
    const items: T[] = [];
    let count = 0;
    let retries = 0;
    try {
      for (;;) {
        const next = await this.limiter.run(() => {
          this.signal?.throwIfAborted();
          return iterator.next();
        });
        if (next.done) break;
        count += 1;
        retries += retriesOf(next.value);
        const found = itemsOf(next.value);
        if (found === undefined && !LIST_MAY_BE_ABSENT.has(call.operation)) {
          const status = next.value.$metadata?.httpStatusCode ?? "?";
          throw new InvalidPageError(
            `HTTP ${status} response on page ${count} had no list of items, which the API always returns`,
          );
        }
        items.push(...(found ?? []));
      }
    } catch (error) {
      this.fail(call, error);
      return undefined;
    }
    this.succeed(call);
    this.log(
      `${label(call)}: ${plural(count, "page")}, ${plural(items.length, "item")}${retryNote(retries)}`,
    );
    return items;
  }

  private succeed(call: CallId): void {
    this.succeeded += 1;
    if (!GLOBAL_OPERATIONS.has(call.operation)) this.succeededInRegion += 1;
    this.advance();
  }

  /**
   * Sends one paginated call per chunk of at most `size` values, as a filter or a parameter takes
   * only so many, and joins the chunks' items. Returns undefined when any chunk failed.
   */
  async paginateChunked<P extends PageMetadata, T>(
    call: CallId,
    values: readonly string[],
    size: number,
    pagesOf: (chunkValues: string[]) => AsyncIterable<P>,
    itemsOf: (page: P) => T[] | undefined,
  ): Promise<T[] | undefined> {
    const results = await Promise.all(
      chunk(values, size).map((chunkValues) => this.paginate(call, pagesOf(chunkValues), itemsOf)),
    );
    return joinChunks(results);
  }

  /** Sends one unpaginated request under the concurrency cap. Returns undefined after a failure. */
  async send<O extends PageMetadata>(
    call: CallId,
    request: () => Promise<O>,
  ): Promise<O | undefined> {
    try {
      const output = await this.limiter.run(() => {
        this.signal?.throwIfAborted();
        return request();
      });
      this.succeed(call);
      this.log(`${label(call)}: done${retryNote(retriesOf(output))}`);
      return output;
    } catch (error) {
      this.fail(call, error);
      return undefined;
    }
  }

  /** Logs the calls of one wave before they start. */
  announce(wave: string, calls: readonly CallId[]): void {
    const counts = new Map<string, number>();
    for (const call of calls) counts.set(call.operation, (counts.get(call.operation) ?? 0) + 1);
    const names = [...counts].map(([operation, n]) => (n > 1 ? `${operation} ×${n}` : operation));
    this.log(
      calls.length === 0
        ? `${wave}: no calls`
        : `${wave}: ${plural(calls.length, "call")} (${names.join(", ")})`,
    );
    this.planned += calls.length;
    this.progress?.(this.finished, this.planned);
  }

  private advance(): void {
    this.finished += 1;
    this.progress?.(this.finished, this.planned);
  }

  private fail(call: CallId, error: unknown): void {
    this.advance();
    const summary = summarizeError(error);
    const entry: CollectionError = { Operation: call.operation, ...summary };
    if (call.scope !== undefined) entry.Scope = call.scope;
    this.errors.push(entry);
    const attempts = (error as PageMetadata | undefined)?.$metadata?.attempts ?? 1;
    const tries = attempts > 1 ? ` (${attempts} attempts)` : "";
    this.log(`${label(call)}: failed with ${summary.Code}${tries}: ${summary.Message}`);
  }
}

function retriesOf(output: PageMetadata | undefined): number {
  return Math.max(0, (output?.$metadata?.attempts ?? 1) - 1);
}

function label(call: CallId): string {
  return call.scope === undefined ? call.operation : `${call.operation} ${call.scope}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function retryNote(retries: number): string {
  if (retries === 0) return "";
  return retries === 1 ? " after 1 retry" : ` after ${retries} retries`;
}
