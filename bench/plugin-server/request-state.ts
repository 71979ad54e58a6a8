import type { IncomingMessage } from 'node:http'
import { endToEnd } from '../end-to-end-headers.ts'

type Headers = Record<string, string | string[]>

/** `kong.response.exit`'s answer, kept until the phase's chain has run (Kong's delayed response). */
export interface ExitAnswer {
  status: number
  body: unknown
  headers: Record<string, unknown>
}

/** What the PDK calls of one request read and change. */
export class RequestState {
  readonly method: string
  readonly path: string
  readonly rawQuery: string
  /**
   * The request's headers, lower case. `kong.service.request.*` changes them in place, so later
   * reads see the change (as nginx's request headers do in Kong) and the upstream gets them.
   */
  readonly headers: Headers
  consumer: unknown = null
  credential: unknown = null
  exit: ExitAnswer | null = null
  status = 0
  /** The client's answer headers: the upstream's, then what the `response` phase changes. */
  responseHeaders: Headers = {}

  constructor(req: IncomingMessage) {
    const url = req.url ?? '/'
    const question = url.indexOf('?')
    this.method = req.method ?? 'GET'
    this.path = question === -1 ? url : url.slice(0, question)
    this.rawQuery = question === -1 ? '' : url.slice(question + 1)
    this.headers = endToEnd(req.headers)
  }
}
