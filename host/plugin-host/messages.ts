import type { ApiRequest, EntityInfo, IoErrorDetail } from '../../runtime/protocol.ts'

/** What the plugin host needs to run api.ts handlers: bundles, node facts and the phase limits. */
export interface HostInit {
  plugins: { name: string; code: string }[]
  node: { id: string; hostname: string; version: string }
  entities: EntityInfo[]
  memoryMb: number
  cpuMs: number
  wallMs: number
  /** Grace of the host's own crossing watchdog: longer than the supervisor's deadline, a last resort. */
  watchdogGraceMs: number
}

/** Why a call gave no answer of the plugin's own (logged once by the supervisor as `reason`). */
export interface HostFailure {
  reason: string
  detail?: string
  stack?: string
}

/** One api.ts call's outcome in the plugin host; `body` is JSON text, size-capped before sending. */
export interface HostAnswer {
  status: number
  body: string | null
  logs: { level: string; message: string }[]
  failure?: HostFailure
}

/** Supervisor → plugin host. */
export type ToHost =
  | { t: 'init'; init: HostInit }
  | {
      t: 'call'
      id: number
      workspace: { id: string; name: string }
      plugin: string
      api: ApiRequest
    }
  /** The answer to the host's `db` request. */
  | { t: 'db'; id: number; ok: true; value: unknown }
  | { t: 'db'; id: number; ok: false; error: string; detail?: IoErrorDetail }

/** Plugin host → supervisor. */
export type FromHost =
  | { t: 'hello' }
  /** The call's isolate is ready and the handler runs: its wall deadline starts now. */
  | { t: 'running'; id: number }
  | { t: 'answer'; id: number; answer: HostAnswer }
  /** kong.db for an api.ts handler: run in the supervisor, which owns the database. */
  | { t: 'db'; id: number; ws: string; plugin: string; args: unknown[] }
