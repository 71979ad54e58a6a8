import type { IncomingHttpHeaders } from 'node:http'
import type { Dispatcher } from 'undici'
import {
  type ForwardHooks,
  type ForwardPlan,
  flattenTrailers,
  type ResponseSink,
} from './forward-upstream.ts'
import { bodiless, proxiedHeaderList, serviceHeaderRecord } from './header-records.ts'
import type { PluginRun } from './plugin-run.ts'

type Step =
  | { kind: 'head'; status: number; headers: IncomingHttpHeaders }
  | { kind: 'data'; chunk: Buffer }
  | { kind: 'end'; trailers: IncomingHttpHeaders }

const EMPTY = Buffer.alloc(0)

/**
 * The upstream's response streamed through `headerFilter` and `bodyFilter`. undici is paused
 * while a filter runs and resumed after, so the steps run one at a time, in order; a step that
 * arrives anyway (undici ends a HEAD response without waiting) queues behind the running one.
 * A body filter may change the length, so such responses go out chunked.
 */
export class FilteredResponse implements ResponseSink {
  committed = false
  private controller: Dispatcher.DispatchController | null = null
  private readonly steps: Step[] = []
  private running = false
  private upstreamEnded = false
  private waitingDrain = false

  constructor(
    private readonly run: PluginRun,
    private readonly plan: ForwardPlan,
    private readonly hooks: ForwardHooks,
  ) {}

  start(controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    this.committed = true
    this.controller = controller
    controller.pause()
    this.push({ kind: 'head', status, headers })
  }

  data(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    // undici reports an empty body span again after each resume: pausing on it would loop forever.
    if (this.run.gone || chunk.length === 0) return
    if (!this.run.pr.hasBodyFilter && !this.running && this.steps.length === 0) {
      // Only the headers were filtered and they are out: stream as without plugins.
      this.write(chunk)
      return
    }
    controller.pause()
    this.push({ kind: 'data', chunk })
  }

  end(trailers: IncomingHttpHeaders): void {
    this.upstreamEnded = true
    this.push({ kind: 'end', trailers })
  }

  private push(step: Step): void {
    this.steps.push(step)
    if (!this.running) void this.drain()
  }

  private async drain(): Promise<void> {
    this.running = true
    try {
      for (let step = this.steps.shift(); step !== undefined && !this.run.gone; step = this.steps.shift()) {
        if (step.kind === 'head') await this.head(step.status, step.headers)
        else if (step.kind === 'data') await this.chunk(step.chunk)
        else await this.finish(step.trailers)
      }
    } catch (err) {
      this.run.fail(err)
    }
    this.running = false
    this.resume()
  }

  private async head(status: number, upstream: IncomingHttpHeaders): Promise<void> {
    const { run, plan } = this
    const { pr, ctx } = run
    let headers = serviceHeaderRecord(upstream, plan.trailers)
    if (pr.hasHeaderFilter) {
      const filtered = await run.call('headerFilter', pr.headerFilter(status, headers, 'service'))
      if (run.gone) return
      status = filtered.status
      headers = filtered.headers
    }
    const framing = pr.hasBodyFilter && !bodiless(ctx.req.method, status) ? 'chunked' : 'as-is'
    ctx.res.writeHead(status, proxiedHeaderList(headers, this.hooks.downstreamInfo(ctx, plan), framing))
  }

  private async chunk(chunk: Buffer): Promise<void> {
    const { run } = this
    const out = await run.call('bodyFilter', run.pr.bodyFilter(chunk, false))
    if (!run.gone) this.write(out)
  }

  private async finish(trailers: IncomingHttpHeaders): Promise<void> {
    const { run } = this
    if (run.pr.hasBodyFilter) {
      const out = await run.call('bodyFilter', run.pr.bodyFilter(EMPTY, true))
      if (run.gone) return
      this.write(out)
    }
    const res = run.ctx.res
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
