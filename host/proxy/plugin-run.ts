import { answerHeaders } from './destination.ts'
import { MESSAGES, sendJsonError } from './gateway-response.ts'
import type { LogFacts, PluginRequest } from './plugin-hooks.ts'
import type { RequestContext } from './request-context.ts'
import type { AccessLogEntry, ProxyLogger } from './types.ts'

/** What the plugin flow needs from the proxy, shared by every request. */
export interface PluginRunDeps {
  /** `isogate/<version>` */
  server: string
  logger: ProxyLogger
  closing(): boolean
}

export type PluginPhase = 'access' | 'response' | 'headerFilter' | 'bodyFilter'

/** `facts` once the request finished and no configuration needs the log phase. */
const NO_LOG: LogFacts = {
  status: 0,
  headers: {},
  bytesReceived: 0,
  bytesSent: 0,
  latencies: { proxy: null, upstream: null, request: 0 },
}

/**
 * One request's plugin work as the proxy drives it. It makes sure no two plugin calls overlap and
 * that `log` then `end` come last, exactly once: when the request finishes while a call is still
 * running (the client went away), they wait for that call to settle.
 */
export class PluginRun {
  private busy = false
  private closed = false
  private facts: Parameters<PluginRequest['log']>[0] | null = null

  constructor(
    readonly pr: PluginRequest,
    readonly ctx: RequestContext,
    readonly deps: PluginRunDeps,
  ) {}

  /** The request is over (response sent or client gone): make no further plugin calls. */
  get gone(): boolean {
    return this.closed
  }

  /**
   * One plugin call's result: at once when the call answered at once, else its promise, awaited
   * with `log`/`end` held back until it settles; a rejection (a broken contract) is reported as
   * `PluginCallFailed`.
   */
  call<T>(phase: PluginPhase, result: T | Promise<T>): T | Promise<T> {
    return result instanceof Promise ? this.settle(phase, result) : result
  }

  private async settle<T>(phase: PluginPhase, promise: Promise<T>): Promise<T> {
    this.busy = true
    try {
      return await promise
    } catch (err) {
      throw new PluginCallFailed(phase, err)
    } finally {
      this.busy = false
      if (this.closed) this.end()
    }
  }

  /** Called once the access log line is written. */
  finished(entry: AccessLogEntry): void {
    this.closed = true
    // Log facts copy the response headers: built only when some configuration needs `log`.
    if (!this.pr.hasLog) {
      this.facts = NO_LOG
      if (!this.busy) this.end()
      return
    }
    const headers: Record<string, string | string[]> = {}
    for (const [name, value] of Object.entries(this.ctx.res.getHeaders())) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.map(String) : String(value)
    }
    this.facts = {
      status: entry.status,
      headers,
      bytesReceived: entry.bytes_received,
      bytesSent: entry.bytes_sent,
      latencies: entry.latencies,
    }
    if (!this.busy) this.end()
  }

  /** Something failed while the flow ran: log it, answer 500 if nothing was sent yet, else cut. */
  fail(err: unknown): void {
    const { ctx } = this
    const phase = err instanceof PluginCallFailed ? err.phase : null
    const cause = err instanceof PluginCallFailed ? err.cause : err
    this.deps.logger.error(
      { request_id: ctx.requestId, phase, err: cause },
      'plugin phase failed in the proxy',
    )
    if (this.closed) return
    if (ctx.res.headersSent) {
      ctx.res.destroy()
      return
    }
    sendJsonError(ctx.res, 500, MESSAGES[500], answerHeaders(this.deps.server, ctx), true)
  }

  private end(): void {
    const facts = this.facts
    if (facts === null) return
    this.facts = null
    try {
      if (facts !== NO_LOG) this.pr.log(facts)
    } catch (err) {
      this.deps.logger.error({ request_id: this.ctx.requestId, phase: 'log', err }, 'plugin log phase threw')
    }
    try {
      this.pr.end()
    } catch (err) {
      this.deps.logger.error({ request_id: this.ctx.requestId, err }, 'plugin request end threw')
    }
  }
}

/** A `PluginRequest` method rejected, which its contract forbids. */
export class PluginCallFailed extends Error {
  constructor(
    readonly phase: PluginPhase,
    override readonly cause: unknown,
  ) {
    super(`plugin ${phase} call rejected`)
    this.name = 'PluginCallFailed'
  }
}
