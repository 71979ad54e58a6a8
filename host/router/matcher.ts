import type { Route, Service } from '../entities/types.ts'
import type { Priority } from './priority.ts'

/** `example.com` (exact), `*.example.com` (suffix `.example.com`), `example.*` (prefix `example.`). */
export interface HostRule {
  kind: 'exact' | 'suffix' | 'prefix'
  value: string
  /** Set when the route host carried a port: then only that port matches. */
  port: number | null
}

/** One header name and its accepted values (any of them), compared in lower case. */
export interface HeaderRule {
  name: string
  values: readonly string[]
  patterns: readonly RegExp[]
}

/**
 * One compiled route, or one part of a route split by path kind/length (see priority.ts).
 * Every criterion that is present must hold; within a criterion, any value may match.
 */
export interface Matcher {
  route: Route
  service: Service | null
  /** The upstream base path: `service.path`, else `/`. */
  servicePath: string
  methods: readonly string[] | null
  hosts: readonly HostRule[] | null
  headers: readonly HeaderRule[] | null
  snis: readonly string[] | null
  /** Normalised prefixes (all of one byte length), or null. */
  prefixes: readonly string[] | null
  regexes: readonly RegExp[] | null
  /** Literal texts one of which every matching path starts with; null when unknown. */
  pathKeys: readonly string[] | null
  priority: Priority
}
