import type {
  AccessOutcome,
  GatewayAnswer,
  PluginHooks,
  PluginRequest,
  PluginRequestInfo,
  UpstreamChanges,
} from '../../host/proxy/index.ts'

type Headers = Record<string, string | string[]>
type Awaitable<T> = T | Promise<T>

/** What the stand-in runtime does; every phase left out is one "no plugin implements". */
export interface PluginScript {
  /** Which requests have plugin work (default: all); the others get null from `begin`. */
  applies?(info: PluginRequestInfo): boolean
  /** Some plugin implements `response` (then `response` below must be given). */
  buffered?: boolean
  /** Default: proxy with nothing changed. `upstream` is the unchanged request, to edit and return. */
  access?(info: PluginRequestInfo, upstream: UpstreamChanges): Awaitable<AccessOutcome>
  response?(status: number, headers: Headers, body: Buffer): Awaitable<GatewayAnswer>
  headerFilter?(
    status: number,
    headers: Headers,
    source: 'service' | 'exit' | 'error',
  ): Awaitable<{ status: number; headers: Headers }>
  bodyFilter?(chunk: Buffer, eof: boolean): Awaitable<Buffer>
}

/** One call the proxy made, in the order made. */
export type PluginCall =
  | { phase: 'access' }
  | { phase: 'response'; status: number; body: string }
  | { phase: 'headerFilter'; status: number; source: string }
  | { phase: 'bodyFilter'; chunk: string; eof: boolean }
  | { phase: 'log'; status: number; bytesSent: number }
  | { phase: 'end' }

export interface ScriptedPlugins {
  hooks: PluginHooks
  /** Calls per request id, in order. */
  calls: Map<string, PluginCall[]>
  /** The phase names called for the only request seen so far. */
  phases(): string[]
  /** Resolves once `end` was called `count` times in all. */
  ended(count?: number): Promise<void>
}

/** The request as the runtime would hand it on untouched. */
function unchanged(info: PluginRequestInfo): UpstreamChanges {
  const headers: Headers = {}
  for (const [name, value] of Object.entries(info.req.headers)) if (value !== undefined) headers[name] = value
  return {
    method: info.req.method ?? 'GET',
    path: info.match?.upstreamPath ?? info.path,
    rawQuery: info.rawQuery,
    headers,
    body: null,
    target: null,
    retries: null,
    timeouts: null,
  }
}

/**
 * A stand-in for the plugin runtime, scripted per test: it records every call the proxy makes and
 * answers as `script` says. Only for proxy tests until the real runtime (host/chain) lands.
 */
export function scriptedPlugins(script: PluginScript): ScriptedPlugins {
  const calls = new Map<string, PluginCall[]>()
  let endCount = 0
  const waiters: { count: number; resolve: () => void }[] = []

  function begin(info: PluginRequestInfo): PluginRequest | null {
    if (script.applies && !script.applies(info)) return null
    const record: PluginCall[] = []
    calls.set(info.requestId, record)
    return {
      buffered: script.buffered === true,
      hasHeaderFilter: script.headerFilter !== undefined,
      hasBodyFilter: script.bodyFilter !== undefined,
      hasLog: true,
      async access() {
        record.push({ phase: 'access' })
        const upstream = unchanged(info)
        return script.access ? script.access(info, upstream) : { kind: 'proxy', upstream }
      },
      async response(status, headers, body) {
        record.push({ phase: 'response', status, body: body.toString() })
        if (!script.response) throw new Error('response called without a scripted response phase')
        return script.response(status, headers, body)
      },
      async headerFilter(status, headers, source) {
        record.push({ phase: 'headerFilter', status, source })
        if (!script.headerFilter) throw new Error('headerFilter called without a scripted headerFilter')
        return script.headerFilter(status, headers, source)
      },
      async bodyFilter(chunk, eof) {
        record.push({ phase: 'bodyFilter', chunk: chunk.toString(), eof })
        if (!script.bodyFilter) throw new Error('bodyFilter called without a scripted bodyFilter')
        return script.bodyFilter(chunk, eof)
      },
      log(facts) {
        record.push({ phase: 'log', status: facts.status, bytesSent: facts.bytesSent })
      },
      end() {
        record.push({ phase: 'end' })
        endCount++
        for (const waiter of waiters.splice(0)) {
          if (endCount >= waiter.count) waiter.resolve()
          else waiters.push(waiter)
        }
      },
    }
  }

  return {
    hooks: { begin },
    calls,
    phases() {
      const [only, ...others] = [...calls.values()]
      if (only === undefined || others.length > 0) throw new Error(`expected one request, saw ${calls.size}`)
      return only.map((call) => call.phase)
    },
    ended(count = 1) {
      if (endCount >= count) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ count, resolve }))
    },
  }
}
