/** Runs AWS calls under the concurrency cap, records failures and logs progress. */
import type { CollectionError, SectionName } from "../snapshot/types.js";
import { sectionInfo } from "../snapshot/sections.js";
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

interface PageMetadata {
  $metadata?: { attempts?: number };
}

export class CallRunner {
  /** Failures in the order they happened, one per failed call. */
  readonly errors: CollectionError[] = [];
  succeeded = 0;
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
    const iterator = pages[Symbol.asyncIterator]();
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
        items.push(...(itemsOf(next.value) ?? []));
      }
    } catch (error) {
      this.fail(call, error);
      return undefined;
    }
    this.succeeded += 1;
    this.advance();
    this.log(
      `${label(call)}: ${plural(count, "page")}, ${plural(items.length, "item")}${retryNote(retries)}`,
    );
    return items;
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
      this.succeeded += 1;
      this.advance();
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
