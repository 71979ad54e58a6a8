/** The small read-only modules: kong.router, kong.node and kong.ip. */
import { enter, type Frame } from './call.isolate.ts'
import { env } from './env.isolate.ts'
import { misuse } from './errors.isolate.ts'
import { ObjectFreeze } from './intrinsics.isolate.ts'
import { stateOf } from './pdk-request.isolate.ts'
import { PHASES } from './phases.isolate.ts'
import { cloneData } from './values.isolate.ts'

export function routerModule(frame: Frame): object {
  return ObjectFreeze({
    getRoute() {
      enter(frame, 'kong.router.getRoute', PHASES.authAndLater)
      return cloneData(stateOf(frame).route)
    },
    getService() {
      enter(frame, 'kong.router.getService', PHASES.authAndLater)
      return cloneData(stateOf(frame).service)
    },
  })
}

export function nodeModule(frame: Frame): object {
  return ObjectFreeze({
    getId(): string {
      enter(frame, 'kong.node.getId', PHASES.any)
      return env.nodeId
    },
    getHostname(): string {
      enter(frame, 'kong.node.getHostname', PHASES.any)
      return env.hostname
    },
  })
}

export function ipModule(frame: Frame): object {
  return ObjectFreeze({
    isTrusted(address: unknown): boolean {
      const fn = 'kong.ip.isTrusted'
      enter(frame, fn, PHASES.any)
      if (typeof address !== 'string') throw misuse(fn, 'address must be a string')
      return env.trusted.isTrusted(address)
    },
  })
}
