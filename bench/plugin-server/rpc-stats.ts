/** Where the gateway answers its counters. */
export const STATS_PATH = '/__rpc-stats'

/** The gateway's counters since it started (round trips include the start's instance set-up). */
export interface RpcStats {
  /** Proxied requests (the stats requests not counted). */
  requests: number
  /** MessagePack-RPC requests answered by the plugin server. */
  roundTrips: number
  /** `plugin.HandleEvent` calls: one per plugin phase run. */
  events: number
  /** PDK calls the plugins made, each answered by one Step round trip. */
  pdkCalls: number
}
