import type { IncomingHttpHeaders } from 'node:http'
import type { Dispatcher } from 'undici'
import type { RequestContext } from './request-context.ts'
import type { DownstreamInfo } from './response-headers.ts'
import { errorCode, isIdempotent, isRetriable, ProxyAbort } from './upstream-errors.ts'
import type { PoolLease, PoolTarget, UpstreamPools } from './upstream-pools.ts'

/** One request to forward, as the request handler prepared it. */
export interface ForwardPlan {
  target: PoolTarget
  method: string
  /** Path and query to request upstream. */
  path: string
  headers: string[]
  /** A body goes upstream: the client's, streamed, or `body` when set. */
  hasBody: boolean
  /** Replaces the client's body (plugins read or set it); its length is in `headers`. */
  body: Buffer | null
  retries: number
  readTimeout: number
  writeTimeout: number
  /** 0 = unlimited; counted while streaming (chunked bodies have no length up front). */
  maxBodySize: number
  /** The client asked for trailers (`TE: trailers`): pass the upstream's on. */
  trailers: boolean
}

/**
 * How an exchange reports back to the request handler. One object serves every request (the
 * request travels as `ctx`), so no closures are made per request on the hot path.
 */
export interface ForwardHooks {
  /** The whole request body went upstream. */
  bodyReceived(ctx: RequestContext): void
  /** Client response headers for the upstream's (called once, before writeHead). */
  responseHeaders(ctx: RequestContext, plan: ForwardPlan, upstream: IncomingHttpHeaders): string[]
  /** What the gateway adds to a proxied response (latencies, Via, request id, close). */
  downstreamInfo(ctx: RequestContext, plan: ForwardPlan): DownstreamInfo
  /** Nothing was sent to the client yet and the exchange failed for good: answer an error. */
  failed(ctx: RequestContext, plan: ForwardPlan, code: string, err: Error): void
}

/**
 * Takes over the client response of a request with plugins (filters or buffering). It receives
 * undici's callbacks once the upstream's final status arrived (the exchange already checked it).
 */
export interface ResponseSink {
  /** The client response is decided: a failure from now on cuts the connection (no retry, no error answer). */
  readonly committed: boolean
  start(controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void
  data(controller: Dispatcher.DispatchController, chunk: Buffer): void
  end(trailers: IncomingHttpHeaders): void
}

/**
 * Forwards one client request through an undici pool with Kong's retry rules, streaming the body
 * both ways with backpressure. It is itself undici's dispatch handler (no intermediate streams);
 * `onRequestStart` tells whether a failure happened before anything was written upstream.
 * Undici calls nothing after `onResponseError`, so one attempt's callbacks never mix with the next's.
 */
export class UpstreamExchange implements Dispatcher.DispatchHandler {
  private connected = false
  private bodyStarted = false
  private finished = false
  private clientGone = false
  private controller: Dispatcher.DispatchController | null = null
  private lease: PoolLease | null = null
  private writeTimer: NodeJS.Timeout | null = null
  private drainListener: (() => void) | null = null

  constructor(
    private readonly ctx: RequestContext,
    private readonly plan: ForwardPlan,
    private readonly pools: UpstreamPools,
    private readonly hooks: ForwardHooks,
    private readonly sink: ResponseSink | null = null,
  ) {}

  start(): void {
    this.ctx.upstream = this
    this.attempt()
  }

  /** The client went away: stop the upstream request (now, or as soon as it has a socket). */
  clientClosed(): void {
    this.clientGone = true
    this.controller?.abort(new ProxyAbort('client-gone'))
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.connected = true
    this.controller = controller
    if (this.clientGone || this.finished) controller.abort(new ProxyAbort('client-gone'))
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
  ): void {
    // 1xx interim responses (103 Early Hints) are not relayed.
    if (status < 200 || this.finished) return
    const { ctx } = this
    ctx.upstreamDoneAt = performance.now()
    if (this.sink !== null) {
      this.sink.start(controller, status, headers)
      return
    }
    ctx.res.writeHead(status, this.hooks.responseHeaders(ctx, this.plan, headers))
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.sink !== null) {
      this.sink.data(controller, chunk)
      return
    }
    const res = this.ctx.res
    if (res.write(chunk) || controller.paused) return
    // The client is slower than the upstream: pause undici until the client drains.
    controller.pause()
    this.drainListener ??= () => this.controller?.resume()
    res.once('drain', this.drainListener)
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    if (this.finished) return
    this.done()
    if (this.sink !== null) {
      this.sink.end(trailers)
      return
    }
    const res = this.ctx.res
    if (this.plan.trailers) {
      const flat = flattenTrailers(trailers)
      if (flat !== null) res.addTrailers(flat)
    }
    res.end()
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (!this.finished) this.failed(err)
  }

  private attempt(): void {
    const { ctx, plan } = this
    ctx.tries++
    ctx.attemptAt = performance.now()
    this.connected = false
    this.controller = null
    try {
      this.lease = this.pools.acquire(plan.target)
    } catch (error) {
      // A plugin's workspace at its cap of egress pools: fails like a refused connection.
      this.failed(error as Error)
      return
    }
    const options: Dispatcher.DispatchOptions = {
      method: plan.method as Dispatcher.HttpMethod,
      path: plan.path,
      headers: plan.headers,
      // undici documents async iterables as bodies; its type declaration lags behind.
      body: (plan.hasBody
        ? plan.body === null
          ? this.body()
          : this.replacedBody(plan.body)
        : null) as Dispatcher.DispatchOptions['body'],
      headersTimeout: plan.readTimeout,
      bodyTimeout: plan.readTimeout,
      reset: !this.pools.keepAlive,
    }
    this.lease.pool.dispatch(options, this)
  }

  private failed(err: Error): void {
    const { ctx, plan } = this
    this.releaseLease()
    this.clearWriteTimer()
    const code = errorCode(err)
    const state = {
      connected: this.connected,
      bodyStarted: this.bodyStarted,
      hasBody: plan.hasBody,
      idempotent: isIdempotent(plan.method),
    }
    const clientGone = this.clientGone || ctx.req.socket.destroyed
    const committed = ctx.res.headersSent || this.sink?.committed === true
    if (!clientGone && !committed && ctx.tries <= plan.retries && isRetriable(code, state)) {
      this.attempt()
      return
    }
    ctx.upstreamDoneAt ??= performance.now()
    this.done()
    if (clientGone) return
    // A half-sent response can only be signalled by cutting the connection.
    if (committed) ctx.res.destroy()
    else this.hooks.failed(ctx, plan, code, err)
  }

  private done(): void {
    this.finished = true
    this.clearWriteTimer()
    this.releaseLease()
    this.ctx.upstream = null
  }

  private releaseLease(): void {
    if (this.lease !== null) {
      this.pools.release(this.lease)
      this.lease = null
    }
  }

  /**
   * The client's body as undici pulls it: undici asks for the next chunk only once the previous
   * one was written (and drained), so the time a chunk waits is the upstream's write latency.
   */
  private async *body(): AsyncGenerator<Buffer> {
    this.bodyStarted = true
    const { plan } = this
    let received = 0
    try {
      for await (const chunk of this.ctx.req.iterator({ destroyOnReturn: false })) {
        received += (chunk as Buffer).length
        if (plan.maxBodySize > 0 && received > plan.maxBodySize) throw new ProxyAbort('body-too-large')
        this.writeTimer = setTimeout(writeTimedOut, plan.writeTimeout, this)
        yield chunk as Buffer
        this.clearWriteTimer()
      }
    } finally {
      this.clearWriteTimer()
    }
    this.hooks.bodyReceived(this.ctx)
  }

  /** A body plugins gave, under the same write timeout as a streamed one. */
  private async *replacedBody(body: Buffer): AsyncGenerator<Buffer> {
    this.bodyStarted = true
    if (body.length === 0) return
    this.writeTimer = setTimeout(writeTimedOut, this.plan.writeTimeout, this)
    try {
      yield body
    } finally {
      this.clearWriteTimer()
    }
  }

  /** Aborts the attempt whose body write stalled (called by the write timer). */
  abortWrite(): void {
    this.controller?.abort(new ProxyAbort('write-timeout'))
  }

  private clearWriteTimer(): void {
    if (this.writeTimer !== null) {
      clearTimeout(this.writeTimer)
      this.writeTimer = null
    }
  }
}

function writeTimedOut(exchange: UpstreamExchange): void {
  exchange.abortWrite()
}

/** Trailers as `res.addTrailers` takes them (repeated names joined); null when there are none. */
export function flattenTrailers(trailers: IncomingHttpHeaders): Record<string, string> | null {
  let out: Record<string, string> | null = null
  for (const name in trailers) {
    const value = trailers[name]
    if (value === undefined) continue
    out ??= {}
    out[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}
