import type { Headers, RequestState } from '../../runtime/protocol.ts'

/** A gateway-made response a plugin asked for (kong.response.exit / error). */
export interface ExitResponse {
  status: number
  body: Buffer | null
  headers: Headers
}

/**
 * The host's view of one request while its plugins run: the readable state the isolates get
 * (`state`) plus what plugins changed that only the host acts on (upstream target, retries,
 * timeouts, body, response headers set before the response exists). Mutations from every
 * isolate are applied here, in order, after validation.
 */
export class RequestModel {
  readonly state: RequestState
  /** kong.service.setTarget: the host normalised, with the workspace and plugin that set it. */
  target: { host: string; port: number; plugin: string; workspace: string } | null = null
  retries: number | null = null
  /** kong.service.request.setScheme */
  scheme: 'http' | 'https' | null = null
  timeouts: { connect: number; write: number; read: number } | null = null
  /** kong.service.request.setRawBody: replaces the client's body upstream. */
  upstreamBody: Buffer | null = null
  /** kong.response.* called before there is a response (rewrite/access): applied to it later. */
  readonly pendingResponse: { status: number | null; headers: Headers; cleared: Set<string> } = {
    status: null,
    headers: {},
    cleared: new Set(),
  }
  exit: ExitResponse | null = null
  /** bodyFilter: the replacement for the current chunk. */
  chunk: Buffer | null = null
  /** Isolate keys that have received the full state of this request (later calls get deltas). */
  readonly seenBy = new Set<string>()
  /**
   * Bumped whenever the request's method, query, path or headers change (plugins' setters): a
   * later phase call sends them again only to an isolate whose view is older (stateDelta).
   */
  requestVersion = 0
  /** The same for the response, the upstream's response and the log facts. */
  responseVersion = 0
  #base: string | null | undefined

  /**
   * `base` encodes the request as it arrived, once (request-text.ts), for every isolate's first
   * call; without it (sdk/testing's requests) first calls carry the whole state as JSON.
   */
  constructor(
    state: RequestState,
    private readonly base: (() => string | null) | null = null,
  ) {
    this.state = state
  }

  /** The request as it arrived, encoded on first use; null when it cannot be (then the state goes whole). */
  baseText(): string | null {
    if (this.#base === undefined) this.#base = this.base?.() ?? null
    return this.#base
  }
}
