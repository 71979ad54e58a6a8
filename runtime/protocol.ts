/**
 * The bridge protocol between the host and plugin isolates (DESIGN.md, "one message per phase").
 * Types only: imported by host code and by the in-isolate prelude (`*.isolate.ts`) alike.
 *
 * Every message is a JSON string copied across the boundary: nothing else ever crosses (no
 * ivm.Reference, no host object, no promise). The host knows which isolate, plugin and request a
 * call is for from the call it made; nothing in a result message is trusted as identity.
 *
 * One phase call = one synchronous crossing (`call`). isolated-vm runs the isolate's microtasks
 * before it copies the answer out, and the prelude updates a pending call's answer while they run
 * (runtime/prelude/late-answer.isolate.ts), so a handler that awaits only settled promises
 * finishes in that crossing. Handlers that await host I/O (body, db, cache misses) report it in
 * `io`; the host performs it asynchronously and answers with `resume`, which again carries the
 * call as far as the microtasks take it: one crossing per round of host I/O.
 */

export type PhaseName =
  | 'initWorker'
  | 'configure'
  | 'rewrite'
  | 'access'
  | 'response'
  | 'headerFilter'
  | 'bodyFilter'
  | 'log'

/** Every phase a handler may implement, in the order they run. */
export const PHASE_NAMES: readonly PhaseName[] = [
  'initWorker',
  'configure',
  'rewrite',
  'access',
  'response',
  'headerFilter',
  'bodyFilter',
  'log',
]

/** Phases that run for one request, in order. */
/**
 * Framing and hop-by-hop headers: the gateway frames every message itself, so no plugin may set
 * one on a response or an upstream request (a forged one could desynchronise a kept-alive
 * connection). Lower case.
 */
export const FRAMING_HEADERS: readonly string[] = [
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
]

/**
 * A host name `kong.service.setTarget` may aim at (lower case, no trailing dot): letters, digits,
 * `-` and `_`, in labels of up to 63 characters, 253 in all. Checked in the prelude (a PDK error the
 * plugin can catch) and again by the host.
 */
export const TARGET_HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/

export const REQUEST_PHASES = ['rewrite', 'access', 'response', 'headerFilter', 'bodyFilter', 'log'] as const
export type RequestPhase = (typeof REQUEST_PHASES)[number]

/** A header list as node:http gives it: lower-cased name → value or values. */
export type Headers = Record<string, string | string[]>

export interface RouteInfo {
  id: string
  name: string | null
  paths: string[] | null
  hosts: string[] | null
  methods: string[] | null
  protocols: string[]
  tags: string[] | null
  ws_id: string
}

export interface ServiceInfo {
  id: string
  name: string | null
  protocol: string
  host: string
  port: number
  path: string | null
  retries: number
  connect_timeout: number
  write_timeout: number
  read_timeout: number
  tags: string[] | null
  ws_id: string
}

/** What the PDK's getters read, copied into the isolate once per request (then deltas). */
export interface RequestState {
  id: string
  /** Date.now() when the request arrived. */
  startedAt: number
  scheme: 'http' | 'https'
  host: string
  port: number
  method: string
  /** Raw path as received, without the query string. */
  path: string
  /** Raw query string without '?' ('' when none). */
  rawQuery: string
  headers: Headers
  client: { ip: string; port: number; forwardedIp: string; forwardedPort: number; protocol: 'http' | 'https' }
  route: RouteInfo | null
  service: ServiceInfo | null
  uriCaptures: Record<string, string> | null
  /** Workspace the request runs in (the route's). */
  workspace: { id: string; name: string }
  consumer: Record<string, unknown> | null
  credential: Record<string, unknown> | null
  /** kong.ctx.shared: shared by every plugin of the request, carried by the host between isolates. */
  shared: Record<string, unknown>
  /**
   * Method, path and query the upstream request will use, as plugins have set them so far.
   * Header changes go to `headers` itself: as in Kong (nginx), kong.service.request.setHeader is
   * seen by later kong.request.getHeader calls. The same holds for setMethod (→ `method`) and
   * setRawQuery/setQuery/clearQueryArg (→ `rawQuery`): nginx changes the request itself, so
   * kong.request.getMethod/getRawQuery/getQuery see the new values. setPath changes only
   * `upstream.path` (kong.request.getPath keeps the client's path, as in Kong).
   */
  upstream: {
    method: string
    path: string
    rawQuery: string
    /** The path prefix the router stripped (kong.request.getForwardedPrefix), when any. */
    prefix?: string | null
  }
  /** Set from headerFilter on: the response being sent. */
  response: {
    status: number
    headers: Headers
    /** 'service' (from the upstream), 'exit' (a plugin's exit), 'error' (gateway error). */
    source: 'service' | 'exit' | 'error'
  } | null
  /**
   * The upstream's response for kong.service.response: from the `response` phase on whenever the
   * request was proxied; `body` (UTF-8 text) when buffered, else null (then
   * kong.service.response.getRawBody asks the host with `service.response.getRawBody`).
   */
  serviceResponse: { status: number; headers: Headers; body: string | null } | null
  /** The client's HTTP version (1, 1.1, 2); 1.1 when absent. */
  httpVersion?: number
  /** The client's request body as UTF-8 text, when the host has already read it (saves an I/O round). */
  rawBody?: string
  /** For kong.log.serialize in the log phase: sizes in bytes and latencies in ms. */
  logInfo?: {
    requestSize: number
    responseSize: number
    latencies: { kong: number; proxy: number; request: number }
  }
}

/**
 * Separates a message's JSON from its base text (PhaseCall.base), and in the base text the
 * scalar JSON from the header lines. JSON text never holds a raw U+0001 (JSON.stringify escapes
 * control characters), and node:http refuses control characters in header lines.
 */
export const BASE_SEPARATOR = '\u0001'

/** What a call runs: a handler phase, or `admin`: one api.ts handler (PhaseCall.api). */
export type CallPhase = PhaseName | 'admin'

/**
 * An Admin API call for a plugin's api.ts: `route` and `method` name the handler (the route as
 * api.ts declares it), the rest is the HTTP request as the host parsed it. The handler's
 * `{ status, body }` comes back as the result's `exit` (body as JSON text).
 */
export interface ApiRequest {
  route: string
  method: string
  params: Record<string, string>
  query: Record<string, string | string[]>
  body: unknown
}

/** Host → isolate: run one phase for the listed plugin instances, in order, stopping at an exit. */
export interface PhaseCall {
  kind: 'call'
  /** Sequence number of this crossing in this isolate; results echo it. */
  seq: number
  phase: CallPhase
  /** `admin` only: the api.ts request (then `run` names the one plugin, config ''). */
  api?: ApiRequest
  /** Per-request state key inside the isolate (the host's request id). */
  rid: string
  /**
   * Plugin instances to run: plugin name and the id of its config (configs travel in `configure`);
   * '' names the plugin's only config in this isolate (most plugins are global: one config each).
   * Left out when `plan` names a run this isolate holds.
   */
  run?: { plugin: string; config: string }[]
  /**
   * The id of the call plan `run` belongs to (plans are immutable, see host/chain/call-plan.ts):
   * with `run`, the isolate holds the list under it; without, it runs the list it holds.
   */
  plan?: number
  /**
   * The host starts over on what the isolate holds (`plan` runs, `refs` entities): drop it all
   * before reading this message. Sent past the host's bound and after a failed call.
   */
  forget?: true
  /** Full state on the first call of a request in this isolate (when there is no base text). */
  state?: RequestState
  /**
   * The first call of a request in this isolate, with the request as it arrived after the
   * message's JSON (BASE_SEPARATOR, then the host's request text: scalars JSON, BASE_SEPARATOR,
   * header lines `name\nvalue\n…` parsed on first read); `delta` carries what changed since and
   * what the text leaves out (route, service, consumer, credential, kong.ctx.shared). One text
   * per request serves every isolate.
   */
  base?: true
  /**
   * On a request's first call: its `route` and/or `service` left out of `state`/`delta`, named by
   * id because this isolate holds that very entity (sent in full before, same configuration). A
   * route or service sent in full is held under its id.
   */
  refs?: { route?: string; service?: string }
  /** Changes since the last call of this request in this isolate. */
  delta?: Partial<RequestState>
  /** bodyFilter: the chunk (base64) and whether it is the last one. */
  chunk?: { data: string; eof: boolean }
  /** The isolate may forget this request after this call (its last phase). */
  last: boolean
  /** Requests the isolate may forget (ended without reaching their last phase). */
  drop?: string[]
  /**
   * kong.cache keys invalidated since this isolate's last call (`true`: too many, forget them all),
   * each `plugin\nkey` (empty plugin: every plugin's entry of the key, an entity change): the
   * isolate drops them from its own copy of cache hits before anything runs.
   */
  cacheDrop?: string[] | true
  /**
   * The worker's kong.cache generation for this workspace (invalidations so far): `cacheDrop`
   * brings the isolate up to it. Cache answers carry the generation they were read at; a value
   * read before invalidations the isolate has already applied is not kept.
   */
  cacheGen?: number
  /** Remaining CPU budget per plugin, ms (informational: the host enforces it). */
  budgetMs: number
}

/** Host → isolate: configuration of plugin instances (Kong's `configure` phase input). */
export interface ConfigureCall {
  kind: 'configure'
  seq: number
  plugin: string
  /** Every config of this plugin in this isolate's workspace, by config id (the plugin entity id). */
  configs: Record<string, Record<string, unknown>>
}

/** Host → isolate: results of I/O a pending call asked for. */
export interface ResumeCall {
  kind: 'resume'
  seq: number
  /** The pending call being resumed. */
  pending: number
  io: IoResult[]
}

/**
 * Host → isolate, once after the prelude and the plugin bundles are evaluated: what the PDK needs
 * that does not change per request.
 */
export interface InitCall {
  kind: 'init'
  seq: number
  node: { id: string; hostname: string; version: string }
  workspace: { id: string; name: string }
  /** CIDRs of `trusted_ips`, for kong.ip.isTrusted and the forwarded getters. */
  trustedIps: string[]
  /** What kong.db offers: the core entities plugins may read, and each plugin's own entities. */
  entities?: EntityInfo[]
  /**
   * plugin_egress_deny / _allow CIDRs, the node's listener ports and own addresses: setTarget
   * refuses an IP literal they deny (the host checks every connection again).
   */
  egress?: { deny: string[]; allow: string[]; ownPorts: number[]; ownAddresses: string[] }
}

/**
 * One entity as kong.db shows it. `plugin` null: a core entity, read-only to plugins; otherwise
 * the plugin that declared it (only that plugin sees it). The host enforces both again.
 */
export interface EntityInfo {
  name: string
  plugin: string | null
  /** Unique fields: one `selectBy<Field>` each. */
  unique: string[]
  /** Foreign fields: one `pageFor<Field>` each. */
  foreign: string[]
  /** Fields of the cache key (null: the primary key, `id`). */
  cacheKey: string[] | null
  workspaceable: boolean
}

export type HostMessage = InitCall | PhaseCall | ConfigureCall | ResumeCall

/**
 * One host I/O operation a handler awaits. Arguments and answers by `op`:
 * - `request.getRawBody`, `[]` → the client's request body as a UTF-8 string (error text when it
 *   cannot be read, e.g. too large);
 * - `service.response.getRawBody`, `[]` → the buffered upstream body as a UTF-8 string;
 * - `db`, `[entity, method, ...args]` → a row (plain object), null, a page `{ data, offset }` or a
 *   boolean (delete). Methods: `select [{id}]`, `page [{size, offset}]`, `insert [entity, {ttl}]`,
 *   `update [{id}, patch, {ttl}]`, `upsert [{id}, entity, {ttl}]`, `delete [{id}]`,
 *   `selectBy<Field> [value]`, `pageFor<Field> [{id}, {size, offset}]`. The host answers in the
 *   request's workspace only, and checks the calling plugin may use the entity (core entities are
 *   read-only; a plugin's own entities are its alone). Refusals carry Kong's error in `detail`.
 * - `cache.get`, `[key]` → `{ hit: true, value, ttl, gen }` (ttl: ms left, null: none), or `{ load: token }`: the caller runs its loader
 *   and answers with `cache.set`, `[key, token, value, ttlSeconds, negTtlSeconds]` → `{ stored, gen }` (or
 *   `cache.release`, `[key, token]` when the loader failed). Other callers of the same key wait for
 *   that answer, so a loader runs once per key at a time. `cache.invalidate`, `[key]`;
 *   `cache.probe`, `[key]` → `{ ttl, value }` or null. Keys are the calling plugin's own (the host
 *   names the caller; in `isolation = workspace` from the request's `plugin`).
 * - `crypto`, `[fn, ...args]` for kong.crypto (`digest`, `hmac`, `randomBytes`, `randomUUID`,
 *   `timingSafeEqual`, `hashPassword`, `verifyPassword`) → a string or boolean; the host checks
 *   every argument again (host/chain/crypto-io.ts).
 * An `ok: false` answer rejects the plugin's promise with a PDKError carrying `error`.
 */
export interface IoRequest {
  id: number
  /** The plugin whose handler asked (the frame's); the host trusts it only within the isolate's own plugins. */
  plugin?: string
  op:
    | 'request.getRawBody'
    | 'service.response.getRawBody'
    | 'db'
    | 'cache.get'
    | 'cache.set'
    | 'cache.release'
    | 'cache.invalidate'
    | 'cache.probe'
    | 'crypto'
  args: unknown[]
}

export type IoResult =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string; detail?: IoErrorDetail }

/** A refusal's structure (kong.db: Kong's error code name and field errors), set on the PDK error. */
export interface IoErrorDetail {
  code: string
  fields?: unknown
  /** kong.db refusals: the Admin API's answer for the same error (an api.ts handler can pass it on). */
  status?: number
  body?: { code: number; name: string; message: string; fields?: unknown }
}

/** One PDK setter call, in the order the plugins made them. The host validates each. */
export type Mutation =
  | { op: 'service.request.setHeader' | 'service.request.addHeader'; name: string; value: string | string[] }
  | { op: 'service.request.clearHeader'; name: string }
  | { op: 'service.request.setHeaders'; headers: Headers }
  | { op: 'service.request.setScheme'; scheme: 'http' | 'https' }
  | { op: 'service.request.setMethod'; method: string }
  | { op: 'service.request.setPath'; path: string }
  | { op: 'service.request.setRawQuery'; query: string }
  | { op: 'service.request.setRawBody'; body: string; base64: boolean }
  | { op: 'service.setTarget'; host: string; port: number }
  | { op: 'service.setRetries'; retries: number }
  | { op: 'service.setTimeouts'; connect: number; write: number; read: number }
  | { op: 'response.setStatus'; status: number }
  | { op: 'response.setHeader' | 'response.addHeader'; name: string; value: string | string[] }
  | { op: 'response.clearHeader'; name: string }
  | { op: 'response.setHeaders'; headers: Headers }
  /**
   * bodyFilter: `body` is the rest of the response body; the host sends it (also carried as
   * `chunk`) and ends the body there, discarding later upstream chunks (Kong sets eof).
   */
  | { op: 'response.setRawBody'; body: string; base64: boolean }
  | {
      op: 'client.authenticate'
      consumer: Record<string, unknown> | null
      credential: Record<string, unknown> | null
    }

export interface PluginOutcome {
  plugin: string
  config: string
  /** ok: returned; exit: called kong.response.exit/error; error: threw (or a PDK misuse). */
  status: 'ok' | 'exit' | 'error'
  /** For `error`: message and stack as the plugin produced them (stack mapped by the host). */
  error?: { message: string; stack: string | null }
  /** For `error`: the error was setTarget's egress refusal of this `host:port` (the prelude's own error). */
  egress?: string
  /** kong.log.* lines of this plugin in this phase. */
  logs?: { level: string; message: string }[]
}

/**
 * Isolate → host: the outcome of a call or resume. A pending result carries only `seq`,
 * `pending` and `io` (outcomes and mutations empty); the final one carries the whole call: the
 * outcome of every instance that did more than return (an exit, an error, or log lines; an
 * instance without one returned without logging), every mutation in call order, exit, shared and chunk. After a resume that delivered
 * I/O results the call is usually still pending with no new `io` (the awaiting code runs when the
 * crossing returns): resume again with `io: []`.
 */
export interface PhaseResult {
  seq: number
  /** Still running: the handler awaits; `io` lists host I/O it needs now (may be empty). */
  pending?: number
  io?: IoRequest[]
  outcomes: PluginOutcome[]
  mutations: Mutation[]
  exit?: { status: number; body: string | null; base64: boolean; headers: Headers | null }
  /** New kong.ctx.shared when a plugin changed it. */
  shared?: Record<string, unknown>
  /** bodyFilter: the chunk to send instead (base64), when a plugin replaced it. */
  chunk?: string
  /**
   * The message could not be processed (malformed, unknown pending id, no state for the request):
   * a host bug, reported instead of an exception escaping the isolate. Nothing ran.
   */
  fault?: string
  /**
   * A plugin handed the PDK a value over a bridge cap (a 400 MB exit body, a 40 MB header): the
   * prelude measured its `.length` and refused it without flattening or encoding it. The call fails
   * as that bridge rule's violation (503); nothing else of the answer is used.
   */
  quota?: { rule: string; where: string; length: number; max: number }
  /**
   * configure, when the handler exports `phases(config)`: per config id, the request phases that
   * configuration needs as the plugin listed them, or the text saying why there is no list (it
   * threw, returned something else). Unchecked: the host validates it (host/chain/phase-needs.ts).
   */
  phases?: Record<string, string[] | string>
}

/**
 * An answer as the host holds it after parseResult (runtime/isolate/validate-result.ts): the
 * envelope checked (seq, fault, quota, pending and io, outcomes and their logs, exit, shared,
 * chunk, counts and sizes), the operations still as the isolate wrote them. Only
 * host/chain/apply-mutations.ts reads those, checking each one as it applies it.
 */
export type ParsedResult = Omit<PhaseResult, 'mutations'> & { mutations: readonly unknown[] }
