import type { IsolateError, IsolateHandle, IsolateLease } from '../../runtime/isolate/index.ts'
import type { PhaseName } from '../../runtime/protocol.ts'
import type { ChainEntry, PhaseNeeds } from '../plugins/index.ts'
import type { ChainOptions } from './chain-options.ts'
import type { WorkspaceScheduler } from './scheduler/index.ts'

/**
 * What one request's plugin work (ChainRequest) needs of the worker's plugin runtime, and no
 * more: isolates by key, their configuration, the cache sync and drops a call carries, the
 * workspace scheduler. WorkerPlugins is the runtime; the interface keeps ChainRequest from
 * reaching into it.
 */
export interface ChainRuntime {
  readonly options: ChainOptions
  readonly scheduler: WorkspaceScheduler
  /** The request phases each configuration needs (its plugin's `phases(config)`). */
  readonly phases: PhaseNeeds
  workspace(wsId: string): { id: string; name: string }
  /** The isolate pool key of a workspace's plugin (the workspace alone in `isolation = workspace`). */
  keyFor(wsId: string, plugin: string): string
  lease(key: string): Promise<IsolateLease | null>
  /** Configures the group's plugins in the isolate, then keeps the entries whose configuration needs `phase`. */
  configureFor(
    isolate: IsolateHandle,
    wsId: string,
    group: readonly ChainEntry[],
    phase: PhaseName,
  ): ChainEntry[] | IsolateError
  /** How a call names a configuration to an isolate ('' for the only one it holds of that plugin). */
  configName(isolate: IsolateHandle, plugin: string, configId: string): string
  cacheSync(
    isolate: IsolateHandle,
    wsId: string,
    plugin: string,
  ): { cacheGen: number; cacheDrop?: string[] | true } | undefined
  /** Request ids the isolate may forget, carried by its next call. */
  takeDrops(key: string): string[] | undefined
  /** A request ended: its state in the isolate of `key` is dropped with that isolate's next call. */
  forget(key: string, requestId: string): void
  /** The scheduler refused a call of the workspace (logged at most every so often). */
  noteRefused(wsId: string, reason: string): void
  hasPlugin(name: string): boolean
}
