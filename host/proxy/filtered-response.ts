import type { IncomingHttpHeaders } from 'node:http'
import type { Dispatcher } from 'undici'
import {
  type ForwardHooks,
  type ForwardPlan,
  flattenTrailers,
  type ResponseSink,
} from './forward-upstream.ts'
import { bodiless, proxiedHeaderList, serviceHeaderRecord } from './header-records.ts'
import { andThen } from './maybe-async.ts'
import type { PluginRun } from './plugin-run.ts'

type Step =
  | { kind: 'head'; status: number; headers: IncomingHttpHeaders }
  | { kind: 'data'; chunk: Buffer }
  | { kind: 'end'; trailers: IncomingHttpHeaders }

const EMPTY = Buffer.alloc(0)

/**
 * The upstream's response streamed through `headerFilter` and `bodyFilter`. A filter that answers
 * at once runs inside undici's callback; one that waits pauses undici until it settled, so the
 * steps run one at a time, in order; a step that arrives anyway (undici ends a HEAD response
 * without waiting) queues behind the running one. A body filter may change the length, so such
 * responses go out chunked.
 */
export class FilteredResponse implements ResponseSink {
  committed = false
  private controller: Dispatcher.DispatchController | null = null
  private readonly steps: Step[] = []
  private running = false
  private upstreamEnded = false
  private waitingDrain = false
  /** undici is paused while a filter waits for host I/O. */
  private filterWait = false

  constructor(
    private readonly run: PluginRun,
    private readonly plan: ForwardPlan,
    private readonly hooks: ForwardHooks,
  ) {}

  start(controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    this.committed = true
    this.controller = controller
    this.push({ kind: 'head', status, headers })
  }

  data(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    // undici reports an empty body span again after each resume: pausing on it would loop forever.
    if (this.run.gone || chunk.length === 0) return
    if (!this.run.pr.hasBodyFilter && !this.running && this.steps.length === 0) {
      // Only the headers were filtered and they are out: stream as without plugins.
      this.write(chunk)
      return
    }
    this.push({ kind: 'data', chunk })
  }

  end(trailers: IncomingHttpHeaders): void {
    this.upstreamEnded = true
    this.push({ kind: 'end', trailers })
  }

  private push(step: Step): void {
    this.steps.push(step)
    if (!this.running) this.drain()
  }

  /**
   * Runs the queued steps in order, in this turn while each filter answers at once. A filter that
   * waits (host I/O) pauses undici until it settled: never resumed from inside undici's own
   * callback, where a resume would re-enter its parser.
   */
  private drain(): void {
    this.running = true
    try {
      for (let step = this.steps.shift(); step !== undefined && !this.run.gone; step = this.steps.shift()) {
        const waiting = this.take(step)
        if (waiting instanceof Promise) {
          if (!this.filterWait) {
            this.filterWait = true
            this.controller?.pause()
          }
          waiting.then(
            () => this.drain(),
            (err: unknown) => this.stopped(err),
          )
          return
        }
      }
    } catch (err) {
      this.run.fail(err)
    }
    this.idle()
  }

  private stopped(err: unknown): void {
    this.run.fail(err)
    this.idle()
  }

  private idle(): void {
    this.running = false
    if (!this.filterWait) return
    this.filterWait = false
    this.resume()
  }

  private take(step: Step): void | Promise<void> {
    if (step.kind === 'head') return this.head(step.status, step.headers)
    if (step.kind === 'data') return this.chunk(step.chunk)
    return this.finish(step.trailers)
  }

  private head(status: number, upstream: IncomingHttpHeaders): void | Promise<void> {
    const { run, plan } = this
    const { pr } = run
    const headers = serviceHeaderRecord(upstream, plan.trailers)
    if (!pr.hasHeaderFilter) return this.writeHead(status, headers)
    return andThen(run.call('headerFilter', pr.headerFilter(status, headers, 'service')), (filtered) => {
      if (!run.gone) this.writeHead(filtered.status, filtered.headers)
    })
  }

  private writeHead(status: number, headers: ReturnType<typeof serviceHeaderRecord>): void {
    const { run, plan } = this
    const { pr, ctx } = run
    const framing = pr.hasBodyFilter && !bodiless(ctx.req.method, status) ? 'chunked' : 'as-is'
    ctx.res.writeHead(status, proxiedHeaderList(headers, this.hooks.downstreamInfo(ctx, plan), framing))
  }

  private chunk(chunk: Buffer): void | Promise<void> {
    const { run } = this
    return andThen(run.call('bodyFilter', run.pr.bodyFilter(chunk, false)), (out) => {
      if (!run.gone) this.write(out)
    })
  }

  private finish(trailers: IncomingHttpHeaders): void | Promise<void> {
    const { run } = this
    if (!run.pr.hasBodyFilter) return this.endResponse(trailers)
    return andThen(run.call('bodyFilter', run.pr.bodyFilter(EMPTY, true)), (out) => {
      if (run.gone) return
      this.write(out)
      this.endResponse(trailers)
    })
  }

  private endResponse(trailers: IncomingHttpHeaders): void {
    const res = this.run.ctx.res
    if (this.plan.trailers) {
      const flat = flattenTrailers(trailers)
      if (flat !== null) res.addTrailers(flat)
    }
    res.end()
  }

  /** Writes to the client; when it is slower than the upstream, keeps undici paused until it drains. */
  private write(chunk: Buffer): void {
    if (chunk.length === 0) return
    const res = this.run.ctx.res
    if (res.write(chunk) || this.waitingDrain) return
    this.waitingDrain = true
    this.controller?.pause()
    res.once('drain', () => {
      this.waitingDrain = false
      if (!this.running) this.resume()
    })
  }

  private resume(): void {
    // After the upstream's end its parser may serve another request: never resume it then.
    if (this.upstreamEnded || this.waitingDrain || this.running || this.run.gone) return
    this.controller?.resume()
  }
}
