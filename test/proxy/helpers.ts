import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http'
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from 'node:net'
import type { Route, Service } from '../../host/entities/types.ts'
import { createProxy, type GatewayProxy, type ProxyOptions } from '../../host/proxy/index.ts'
import { makeRoute, makeService } from '../../host/router/fixtures.ts'
import { buildRouter } from '../../host/router/index.ts'

/** A service row with Kong's defaults, pointing at 127.0.0.1:`port`. */
export function service(port: number, fields: Partial<Service> = {}): Service {
  return makeService({ host: '127.0.0.1', port, ...fields })
}

/** A route row with Kong's defaults, bound to `svc` (null: a route without service). */
export function route(svc: Service | null, fields: Partial<Route> = {}): Route {
  return makeRoute({ service: svc === null ? null : { id: svc.id }, ...fields })
}

export interface TestProxy {
  proxy: GatewayProxy
  port: number
  /** Access log entries and error log lines written so far. */
  accessLog: Record<string, unknown>[]
  errors: { obj: object; msg?: string }[]
  setRoutes(routes: Route[], services: Service[]): void
  close(): Promise<void>
}

/** A proxy on 127.0.0.1:0 with the given routes; `options` override the defaults. */
export async function startProxy(
  routes: Route[],
  services: Service[],
  options: Partial<ProxyOptions> = {},
): Promise<TestProxy> {
  const accessLog: Record<string, unknown>[] = []
  const errors: { obj: object; msg?: string }[] = []
  const logger = {
    info() {},
    warn(obj: object, msg?: string) {
      errors.push({ obj, msg })
    },
    error(obj: object, msg?: string) {
      errors.push({ obj, msg })
    },
  }
  const proxy = createProxy({
    router: buildRouter(routes, services),
    trustedIps: [],
    realIpHeader: 'X-Real-IP',
    realIpRecursive: false,
    clientMaxBodySize: 0,
    clientHeaderMaxSize: 16 * 1024,
    clientHeaderMaxCount: 100,
    upstreamKeepalivePoolSize: 16,
    nodeId: 'node-1',
    version: '9.9.9',
    logger,
    accessLog: { ...logger, info: (entry: object) => accessLog.push(entry as Record<string, unknown>) },
    ...options,
  })
  const port = await listen(proxy.server)
  return {
    proxy,
    port,
    accessLog,
    errors,
    setRoutes: (r, s) => proxy.setRouter(buildRouter(r, s)),
    close: () => proxy.close(2000),
  }
}

export async function listen(server: Server | ReturnType<typeof createNetServer>): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  return (server.address() as AddressInfo).port
}

export function closeServer(server: Server | ReturnType<typeof createNetServer>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    if ('closeAllConnections' in server) server.closeAllConnections()
  })
}

/** An upstream with a custom handler. */
export async function startUpstream(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer(handler)
  const port = await listen(server)
  return { server, port, close: () => closeServer(server) }
}

export interface Reply {
  status: number
  headers: IncomingMessage['headers']
  rawHeaders: string[]
  body: string
}

/** One request with node:http (which, unlike fetch, sends any header as given). */
export function send(
  port: number,
  path: string,
  options: {
    method?: string
    headers?: Record<string, string | string[]>
    body?: string
    agent?: unknown
  } = {},
): Promise<Reply> {
  const reply = new Promise<Reply>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: (options.agent as never) ?? false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
  return within(reply, `${options.method ?? 'GET'} ${path}`)
}

/** Writes raw bytes to the proxy and answers everything it sent back until it closed the connection. */
export function sendRaw(port: number, data: string | Buffer): Promise<string> {
  const answer = new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')))
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // The proxy may reset after answering: what arrived is the answer.
      if (err.code === 'ECONNRESET' && chunks.length > 0) resolve(Buffer.concat(chunks).toString('latin1'))
      else reject(err)
    })
    socket.write(data)
  })
  return within(answer, 'the proxy to answer and close')
}

/** Opens a raw socket to the proxy (for requests written in pieces). */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket))
    socket.once('error', reject)
  })
}

/** Parses `HTTP/1.1 200 OK\r\n...` into a status, lower-cased headers and the (unframed) rest. */
export function parseRaw(raw: string): { status: number; headers: Record<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n')
  const [statusLine = '', ...lines] = raw.slice(0, end).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: raw.slice(end + 4) }
}

/** A port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createNetServer()
  const port = await listen(server)
  await closeServer(server)
  return port
}

/** Resolves when `promise` does, fails the test after `ms` (a hung proxy must not hang the suite). */
export function within<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** A promise with its resolver, for handing a signal between the two ends of a test. */
export function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}
