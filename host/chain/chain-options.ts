import type { CrossingWatchdog, IsolateFactory } from '../../runtime/isolate/index.ts'
import type { WorkerData } from '../data/index.ts'
import type { EgressPolicy } from '../egress/index.ts'
import type { Logger } from '../log/index.ts'
import type { PluginQuarantine } from './quarantine.ts'
import type { TimingRing } from './timing-ring.ts'

/** What the plugin runtime of one worker needs from the node's configuration. */
export interface ChainOptions {
  isolation: 'plugin' | 'workspace'
  memoryMb: number
  /** CPU one plugin may spend on one request, all its phases together. */
  cpuMs: number
  /** Wall time of one phase call, awaited I/O included. */
  wallMs: number
  /** Longest a call waits for its workspace's fair share of the worker (workspace_queue_ms); default 1000. */
  workspaceQueueMs?: number
  node: { id: string; hostname: string; version: string }
  trustedIps: string[]
  /** plugin_egress_*: isolates get its lists so setTarget refuses a denied IP literal itself. */
  egress?: EgressPolicy
  /** Largest request body a plugin may read (client_max_body_size; 0 = the bridge's cap). */
  maxBodyBytes: number
  logger: Logger
  watchdog?: CrossingWatchdog
  /** Where the wall time of each completed phase call is recorded (the worker's stats). */
  timings?: TimingRing
  /** Where the wall time of each isolate build is recorded (the worker's stats). */
  builds?: TimingRing
  /** kong.db and kong.cache; without it (tests of the bare runtime) plugins get an error for both. */
  data?: WorkerData
  /** Builds the isolates; default createPluginIsolate. Only code sets it (the bench's in-process baseline). */
  createIsolate?: IsolateFactory
  /** The node's quarantines as this worker knows them, and where its limit failures are reported. */
  quarantine?: PluginQuarantine
}
