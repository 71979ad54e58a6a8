import {
  type ChainOptions,
  callIsolate,
  errorAnswer,
  type IsolateSession,
  type PhaseFailure,
  performCrypto,
  type RequestModel,
  withPending,
} from '../../host/chain/index.ts'
import type { ChainEntry, PhaseNeeds } from '../../host/plugins/index.ts'
import type { IoRequest, PhaseName } from '../../runtime/protocol.ts'
import type { FakeUpstreamResponse, UpstreamRequest } from './types.ts'

type Headers = Record<string, string | string[]>
type Source = 'service' | 'exit' | 'error'

/** A response as the client gets it. */
export interface Answer {
  status: number
  headers: Headers
  body: Buffer
}

export interface ExchangeOutcome {
  answer: Answer
  upstream: UpstreamRequest | null
  exit: boolean
}

const EMPTY = Buffer.alloc(0)

/**
 * One request through one plugin, phase by phase, in the order and with the hand-offs of the
 * gateway's proxy (ChainRequest + the proxy's answer, buffered and filtered paths), against a
 * fake upstream. Each phase call is the gateway's own `callIsolate` on the request model.
 */
export class PluginExchange {
  readonly #model: RequestModel
  readonly #entries: readonly ChainEntry[]
  readonly #needs: PhaseNeeds
  readonly #session: IsolateSession
  readonly #options: ChainOptions
  readonly #requestBody: Buffer
  readonly #upstream: Required<FakeUpstreamResponse>
  #serviceBody: Buffer | null = null

  constructor(parts: {
    model: RequestModel
    entry: ChainEntry
    /** Which phases the entry's configuration needs (its plugin's `phases(config)`). */
    needs: PhaseNeeds
    session: IsolateSession
    options: ChainOptions
    requestBody: Buffer
    upstream: Required<FakeUpstreamResponse>
  }) {
    this.#model = parts.model
    this.#entries = [parts.entry]
    this.#needs = parts.needs
    this.#session = parts.session
    this.#options = parts.options
    this.#requestBody = parts.requestBody
    this.#upstream = parts.upstream
  }

  async run(): Promise<ExchangeOutcome> {
    const model = this.#model
    // The instance is global (no route, service or consumer), so it runs in rewrite too.
    let failure = await this.#phase('rewrite')
    if (failure === null && model.exit === null) failure = await this.#phase('access')
    let outcome: ExchangeOutcome
    if (failure !== null) {
      outcome = {
        answer: await this.#sendAnswer(errorAnswer(failure.status), 'error'),
        upstream: null,
        exit: false,
      }
    } else if (model.exit !== null) {
      const exit = { ...model.exit, body: model.exit.body ?? EMPTY }
      outcome = { answer: await this.#sendAnswer(exit, 'exit'), upstream: null, exit: true }
    } else {
      const upstream = this.#upstreamRequest()
      const answer = this.#implements('response') ? await this.#buffered() : await this.#filtered()
      outcome = { answer, upstream, exit: model.exit !== null }
    }
    await this.#phase('log')
    return outcome
  }

  #implements(phase: PhaseName): boolean {
    return this.#entries.some((entry) => this.#needs.needs(entry, phase))
  }

  /** One phase call, when the plugin implements the phase and its isolate is alive (a limit kills it). */
  async #phase(phase: PhaseName, chunk?: { data: string; eof: boolean }): Promise<PhaseFailure | null> {
    if (!this.#implements(phase) || this.#session.lease.isolate.disposed) return null
    return callIsolate(this.#session, this.#model, phase, this.#entries, this.#options, this.#io, {
      ...(chunk ? { chunk } : {}),
      last: phase === 'log',
    })
  }

  readonly #io = async (request: IoRequest): Promise<unknown> => {
    switch (request.op) {
      case 'request.getRawBody':
        this.#model.upstreamBody ??= this.#requestBody
        return this.#requestBody.toString('utf8')
      case 'service.response.getRawBody':
        return this.#serviceBody?.toString('utf8') ?? ''
      case 'crypto':
        return performCrypto(request.args)
      default:
        throw new Error(`${request.op}: runPlugin has no database or cache; test with startPluginGateway`)
    }
  }

  #upstreamRequest(): UpstreamRequest {
    const { state, upstreamBody } = this.#model
    return {
      method: state.upstream.method,
      path: state.upstream.path,
      query: state.upstream.rawQuery,
      headers: structuredClone(state.headers),
      body: (upstreamBody ?? this.#requestBody).toString('utf8'),
    }
  }

  /** A gateway-made answer: headerFilter (seeing its Content-Length, as Kong's exit sets one), one eof bodyFilter. */
  async #sendAnswer(answer: Answer, source: Exclude<Source, 'service'>): Promise<Answer> {
    let { status, headers, body } = answer
    if (this.#implements('headerFilter')) {
      ;({ status, headers } = await this.#headerFilter(
        status,
        { ...headers, 'content-length': String(body.length) },
        source,
      ))
    }
    if (this.#implements('bodyFilter')) body = await this.#bodyFilter(body, true)
    return { status, headers, body }
  }

  /** The upstream's response read whole for the `response` phase; the filters do not run on it. */
  async #buffered(): Promise<Answer> {
    const model = this.#model
    const { status, headers } = this.#upstream
    const body = Buffer.concat(chunksOf(this.#upstream.body))
    this.#serviceBody = body
    model.state.serviceResponse = { status, headers: { ...headers }, body: null }
    model.state.response = { status, headers: { ...headers }, source: 'service' }
    withPending(model)
    model.chunk = null
    const failure = await this.#phase('response')
    if (failure !== null) return errorAnswer(failure.status)
    if (model.exit !== null) return { ...model.exit, body: model.exit.body ?? EMPTY }
    const response = model.state.response
    return { status: response.status, headers: response.headers, body: model.chunk ?? body }
  }

  /** The upstream's response streamed: headerFilter, then bodyFilter per chunk and once more at the end. */
  async #filtered(): Promise<Answer> {
    let { status, headers } = this.#upstream
    headers = { ...headers }
    if (this.#implements('headerFilter'))
      ({ status, headers } = await this.#headerFilter(status, headers, 'service'))
    const chunks = chunksOf(this.#upstream.body)
    if (!this.#implements('bodyFilter')) return { status, headers, body: Buffer.concat(chunks) }
    const out: Buffer[] = []
    for (const chunk of chunks) out.push(await this.#bodyFilter(chunk, false))
    out.push(await this.#bodyFilter(EMPTY, true))
    return { status, headers, body: Buffer.concat(out) }
  }

  /** Failures here are contained: logged, and the response goes on (Kong's header_filter rule). */
  async #headerFilter(
    status: number,
    headers: Headers,
    source: Source,
  ): Promise<{ status: number; headers: Headers }> {
    const model = this.#model
    model.state.response = { status, headers: { ...headers }, source }
    withPending(model)
    await this.#phase('headerFilter')
    return { status: model.state.response.status, headers: model.state.response.headers }
  }

  async #bodyFilter(chunk: Buffer, eof: boolean): Promise<Buffer> {
    this.#model.chunk = null
    await this.#phase('bodyFilter', { data: chunk.toString('base64'), eof })
    return this.#model.chunk ?? chunk
  }
}

function chunksOf(body: string | string[]): Buffer[] {
  return (Array.isArray(body) ? body : [body]).filter((text) => text !== '').map((text) => Buffer.from(text))
}
