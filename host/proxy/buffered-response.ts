import type { IncomingHttpHeaders } from 'node:http'
import type { Dispatcher } from 'undici'
import type { ForwardHooks, ForwardPlan, ResponseSink } from './forward-upstream.ts'
import { bodiless, proxiedHeaderList, serviceHeaderRecord } from './header-records.ts'
import type { PluginRun } from './plugin-run.ts'
import { ProxyAbort } from './upstream-errors.ts'

/** The most of an upstream body the gateway holds for the `response` phase (the bridge's limit); more is a 502. */
export const MAX_BUFFERED_BODY = 12 * 1024 * 1024

/**
 * The upstream's response read whole, handed to the `response` phase, and what that returns sent
 * with its exact length. The header and body filters do not run on it (SPEC §5). Until the
 * answer is written a failure is still the gateway's error answer; upstream trailers are dropped.
 */
export class BufferedResponse implements ResponseSink {
  committed = false
  private status = 0
  private headers: IncomingHttpHeaders = {}
  private readonly chunks: Buffer[] = []
  private size = 0

  constructor(
    private readonly run: PluginRun,
    private readonly plan: ForwardPlan,
    private readonly hooks: ForwardHooks,
    private readonly maxBody = MAX_BUFFERED_BODY,
  ) {}

  start(_controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    this.status = status
    this.headers = headers
  }

  data(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.size > this.maxBody) return
    this.size += chunk.length
    if (this.size > this.maxBody) controller.abort(new ProxyAbort('response-too-large'))
    else this.chunks.push(chunk)
  }

  end(_trailers: IncomingHttpHeaders): void {
    this.committed = true
    void this.respond()
  }

  private async respond(): Promise<void> {
    const { run, plan } = this
    const { pr, ctx } = run
    try {
      const headers = serviceHeaderRecord(this.headers, false)
      const body = Buffer.concat(this.chunks, this.size)
      this.chunks.length = 0
      const answer = await run.call('response', pr.response(this.status, headers, body))
      if (run.gone) return
      const out = answer.body ?? Buffer.alloc(0)
      // A HEAD answer keeps the length the upstream announced; 204/304 announce none.
      const framing = bodiless(ctx.req.method, answer.status) ? 'as-is' : out.length
      ctx.res.writeHead(
        answer.status,
        proxiedHeaderList(answer.headers, this.hooks.downstreamInfo(ctx, plan), framing),
      )
      ctx.res.end(out)
    } catch (err) {
      run.fail(err)
    }
  }
}
