/**
 * kong.ctx.shared (one object per request, shared by every plugin; the host carries it between
 * isolates) and kong.ctx.plugin (per request and plugin, kept in this isolate until the
 * request's last call or a drop). A class: getters on a frozen prototype are cheap per call.
 */
import { enter, type Frame } from './call.isolate.ts'
import { MapGet, MapSet, ObjectFreeze } from './intrinsics.isolate.ts'
import { PHASES } from './phases.isolate.ts'

class Ctx {
  readonly #frame: Frame

  constructor(frame: Frame) {
    this.#frame = frame
  }
  get shared(): Record<string, unknown> {
    enter(this.#frame, 'kong.ctx.shared', PHASES.request)
    return this.#frame.call.request!.shared
  }
  get plugin(): Record<string, unknown> {
    enter(this.#frame, 'kong.ctx.plugin', PHASES.request)
    const request = this.#frame.call.request!
    let mine = MapGet(request.pluginCtx, this.#frame.plugin)
    if (!mine) {
      mine = {}
      MapSet(request.pluginCtx, this.#frame.plugin, mine)
    }
    return mine
  }
}
ObjectFreeze(Ctx.prototype)

export function ctxModule(frame: Frame): object {
  return ObjectFreeze(new Ctx(frame))
}
