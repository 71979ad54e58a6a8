import type { ConsumerEntity, Entity, RouteEntity, ServiceEntity } from './values.ts'

/** kong.client addresses: every request phase. */
export interface ClientAddresses {
  /** The peer connected to the gateway. */
  getIp(): string
  /** The client address after trusted forwarding headers. */
  getForwardedIp(): string
  getPort(): number
  getForwardedPort(): number
}

/** kong.client identity: access and later. */
export interface ClientIdentity {
  getConsumer(): ConsumerEntity | null
  getCredential(): Entity | null
  /** The route's protocol (`http`/`https`); with `allowTerminated`, a trusted X-Forwarded-Proto counts. */
  getProtocol(allowTerminated?: boolean): string
  /** By id (a UUID), then by username when `searchByUsername`; null when not found. */
  loadConsumer(consumerId: string, searchByUsername?: boolean): Promise<ConsumerEntity | null>
}

/** access only. */
export interface ClientAuthenticate {
  /** At least one of the two; a missing one is cleared. */
  authenticate(consumer: object | null, credential?: object | null): void
}

/** kong.router: access and later. */
export interface Router {
  getRoute(): RouteEntity | null
  getService(): ServiceEntity | null
}

/** kong.ctx: request phases. */
export interface Ctx {
  /** Shared by every plugin of the request (JSON-serializable values cross isolates). */
  readonly shared: Record<string, unknown>
  /** This plugin's own, for the request's lifetime. */
  readonly plugin: Record<string, unknown>
}

export interface Node {
  getId(): string
  getHostname(): string
}

export interface Ip {
  /** Whether the address is in trusted_ips (IPv4 and IPv6 CIDRs). */
  isTrusted(address: string): boolean
}

/** kong.log: `kong.log(...)` logs at notice; arguments are concatenated (objects as JSON). */
export interface BaseLog {
  (...args: unknown[]): void
  debug(...args: unknown[]): void
  info(...args: unknown[]): void
  notice(...args: unknown[]): void
  warn(...args: unknown[]): void
  err(...args: unknown[]): void
  crit(...args: unknown[]): void
  alert(...args: unknown[]): void
  emerg(...args: unknown[]): void
  deprecation(...args: unknown[]): void
  /** Pretty-prints its arguments, space-separated; on()/off() per plugin. */
  inspect: { (...args: unknown[]): void; on(): void; off(): void }
}

/** kong.log in request phases. */
export interface RequestLog extends BaseLog {
  /** Edits what kong.log.serialize returns (dotted keys; modes set, add, replace). */
  setSerializeValue(key: string, value: unknown, options?: { mode?: 'set' | 'add' | 'replace' }): void
}

/** kong.log in the log phase. */
export interface LogPhaseLog extends RequestLog {
  /** Kong's basic log serializer output for this request. */
  serialize(): Record<string, unknown>
}
