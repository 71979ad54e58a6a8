import type { IncomingMessage } from 'node:http'
import type { RouteRequest } from '../router/index.ts'

/**
 * What the router gets from a request. Its headers are node:http's `headersDistinct`, built on
 * first read: most configurations match no route on headers, and building the object for every
 * request was a measurable share of a proxied request.
 */
export class RouteInput implements RouteRequest {
  readonly scheme = 'http' as const

  constructor(
    private readonly req: IncomingMessage,
    readonly method: string,
    readonly host: string,
    readonly port: number,
    readonly path: string,
  ) {}

  get headers(): Record<string, string[] | undefined> {
    return this.req.headersDistinct
  }
}
