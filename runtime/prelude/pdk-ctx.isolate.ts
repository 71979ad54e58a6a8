/**
 * kong.ctx.shared (one object per request, shared by every plugin; the host carries it between
 * isolates) and kong.ctx.plugin (per request and plugin, kept in this isolate until the
 * request's last call or a drop). Getters on a frozen prototype; an instance only carries its
 * frame (pdk-bound).
 */
import type { Frame } from './call.isolate.ts'
import { MapGet, MapSet, ObjectFreeze } from './intrinsics.isolate.ts'
import { entered, FrameBound } from './pdk-bound.isolate.ts'
import { PHASES } from './phases.isolate.ts'

class CtxModule extends FrameBound {
  get shared(): Record<string, unknown> {
    return entered(this, 'kong.ctx.shared', PHASES.request).call.request!.shared
  }
  get plugin(): Record<string, unknown> {
    const frame = entered(this, 'kong.ctx.plugin', PHASES.request)
    const request = frame.call.request!
    let mine = MapGet(request.pluginCtx, frame.plugin)
    if (!mine) {
      mine = {}
      MapSet(request.pluginCtx, frame.plugin, mine)
    }
    return mine
  }
}
ObjectFreeze(CtxModule.prototype)
ObjectFreeze(CtxModule)

export function ctxModule(frame: Frame): object {
  return new CtxModule(frame)
}
