/**
 * One `kong` type per phase: a function Kong forbids in a phase is absent from that phase's type,
 * so calling it does not compile (the runtime re-checks and throws `function cannot be called in
 * <phase> phase`).
 *
 * PDK functions are methods of the handler call's objects: call them on their object
 * (`kong.request.getHeader('x')`, `kong.log.err('x')`). One taken off its object
 * (`const { getHeader } = kong.request; getHeader('x')`) throws a `PDKError` naming it; bind it
 * if you need a detached function (`const getHeader = kong.request.getHeader.bind(kong.request)`).
 * A `kong` object and everything reached from it serve only the handler call it was passed to.
 */
import type {
  BaseLog,
  ClientAddresses,
  ClientAuthenticate,
  ClientIdentity,
  Ctx,
  Ip,
  LogPhaseLog,
  Node,
  RequestLog,
  Router,
} from './context.ts'
import type { Crypto } from './crypto.ts'
import type { Cache, Db } from './db.ts'
import type { RequestReaders, RequestWithBody } from './request.ts'
import type { ResponseBodyFilter, ResponseExits, ResponseReaders, ResponseWriters } from './response.ts'
import type { AccessService, LaterService, RewriteService } from './service.ts'

/** What every phase has. */
interface Always {
  /** The gateway's version (Kong's kong.version). */
  version: string
  node: Node
  ip: Ip
}

export interface InitWorkerKong extends Always {
  log: BaseLog
}

export interface ConfigureKong extends Always {
  log: BaseLog
}

interface RequestPhase extends Always {
  ctx: Ctx
  crypto: Crypto
  db: Db
  cache: Cache
  log: RequestLog
}

/** rewrite: before routing (global plugins only): no router, no consumer yet. */
export interface RewriteKong extends RequestPhase {
  request: RequestWithBody
  response: ResponseWriters & ResponseExits
  service: RewriteService
  client: ClientAddresses
}

export interface AccessKong extends RequestPhase {
  request: RequestWithBody
  response: ResponseWriters & ResponseExits
  service: AccessService
  client: ClientAddresses & ClientIdentity & ClientAuthenticate
  router: Router
}

/** response: the upstream answered and its response is buffered. */
export interface ResponseKong extends RequestPhase {
  request: RequestWithBody
  response: ResponseReaders & ResponseWriters & ResponseExits
  service: LaterService
  client: ClientAddresses & ClientIdentity
  router: Router
}

export interface HeaderFilterKong extends RequestPhase {
  request: RequestReaders
  response: ResponseReaders & ResponseWriters & ResponseExits
  service: LaterService
  client: ClientAddresses & ClientIdentity
  router: Router
}

export interface BodyFilterKong extends RequestPhase {
  request: RequestReaders
  response: ResponseReaders & ResponseBodyFilter
  service: LaterService
  client: ClientAddresses & ClientIdentity
  router: Router
}

export interface LogKong extends Always {
  request: RequestReaders
  response: ResponseReaders
  service: LaterService
  client: ClientAddresses & ClientIdentity
  router: Router
  ctx: Ctx
  crypto: Crypto
  db: Db
  cache: Cache
  log: LogPhaseLog
}

export interface KongByPhase {
  initWorker: InitWorkerKong
  configure: ConfigureKong
  rewrite: RewriteKong
  access: AccessKong
  response: ResponseKong
  headerFilter: HeaderFilterKong
  bodyFilter: BodyFilterKong
  log: LogKong
}
