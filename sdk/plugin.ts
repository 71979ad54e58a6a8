import type {
  AccessKong,
  BodyFilterKong,
  ConfigureKong,
  HeaderFilterKong,
  InitWorkerKong,
  LogKong,
  ResponseKong,
  RewriteKong,
} from './phases.ts'

/** The phases that run for one request, in order: what `phases(config)` may list. */
export type RequestPhaseName = 'rewrite' | 'access' | 'response' | 'headerFilter' | 'bodyFilter' | 'log'

/**
 * `handler.ts`'s default export. Every phase method is optional and may be async; `kong` is the
 * PDK for that phase, `config` the plugin instance's configuration.
 */
export interface Plugin<Config = Record<string, unknown>> {
  /** Higher runs first (Kong's PRIORITY). */
  priority: number
  /** x.y.z */
  version: string
  initWorker?(kong: InitWorkerKong): unknown
  /** Every configuration of the plugin in the workspace (null when there is none), on each change. */
  configure?(kong: ConfigureKong, configs: Config[] | null): unknown
  /** Global plugins only. */
  rewrite?(kong: RewriteKong, config: Config): unknown
  access?(kong: AccessKong, config: Config): unknown
  /** With the upstream response buffered; a plugin implementing it excludes the two filters' streaming. */
  response?(kong: ResponseKong, config: Config): unknown
  headerFilter?(kong: HeaderFilterKong, config: Config): unknown
  bodyFilter?(kong: BodyFilterKong, config: Config): unknown
  log?(kong: LogKong, config: Config): unknown
  /**
   * Which request phases a configuration needs, as a subset of the methods above; a phase not
   * listed is never called for that configuration and costs nothing (no crossing into the
   * isolate, no filtered or buffered response, no log facts). Without `phases` every method runs.
   *
   * Called once per configuration change (with `configure`), never per request, under the
   * configure call's time limit; it gets the configuration only (no `kong`) and must answer
   * synchronously. An answer that is not a list of the handler's request phases (a name it does
   * not implement or that is not a request phase, a non-list, a throw) is ignored with one warning
   * line, and that configuration runs every phase its handler has; one that never returns is
   * stopped by the limit like any plugin code (503, the isolate rebuilt).
   *
   * @example
   * phases(conf) {
   *   // the response header is only set with echo_downstream
   *   return conf.echo_downstream ? ['access', 'headerFilter'] : ['access']
   * },
   */
  phases?(config: Config): readonly RequestPhaseName[]
}
