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
}
