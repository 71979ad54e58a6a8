/** The small read-only modules: kong.router, kong.node and kong.ip (methods on frozen prototypes). */
import type { Frame } from './call.isolate.ts'
import { env } from './env.isolate.ts'
import { misuse } from './errors.isolate.ts'
import { ObjectFreeze } from './intrinsics.isolate.ts'
import { entered, FrameBound } from './pdk-bound.isolate.ts'
import { stateOf } from './pdk-request.isolate.ts'
import { PHASES } from './phases.isolate.ts'
import { cloneData } from './values.isolate.ts'

/** Copies: the route and service objects are held for every request of the isolate (held.isolate.ts). */
class RouterModule extends FrameBound {
  getRoute(): unknown {
    return cloneData(stateOf(entered(this, 'kong.router.getRoute', PHASES.authAndLater)).route)
  }
  getService(): unknown {
    return cloneData(stateOf(entered(this, 'kong.router.getService', PHASES.authAndLater)).service)
  }
}
ObjectFreeze(RouterModule.prototype)
ObjectFreeze(RouterModule)

class NodeModule extends FrameBound {
  getId(): string {
    entered(this, 'kong.node.getId', PHASES.any)
    return env.nodeId
  }
  getHostname(): string {
    entered(this, 'kong.node.getHostname', PHASES.any)
    return env.hostname
  }
}
ObjectFreeze(NodeModule.prototype)
ObjectFreeze(NodeModule)

class IpModule extends FrameBound {
  isTrusted(address: unknown): boolean {
    const fn = 'kong.ip.isTrusted'
    entered(this, fn, PHASES.any)
    if (typeof address !== 'string') throw misuse(fn, 'address must be a string')
    return env.trusted.isTrusted(address)
  }
}
ObjectFreeze(IpModule.prototype)
ObjectFreeze(IpModule)

export function routerModule(frame: Frame): object {
  return new RouterModule(frame)
}

export function nodeModule(frame: Frame): object {
  return new NodeModule(frame)
}

export function ipModule(frame: Frame): object {
  return new IpModule(frame)
}
