/**
 * How a PDK object knows its handler call without a closure per call: its methods live once per
 * isolate on frozen prototypes, and each object made for a handler call (`kong`, `kong.request`,
 * a `kong.db` entity, the `kong.log` callable) carries the call's frame in one private slot. A
 * method reads the slot from `this`: plugin code cannot read or forge it, and a method called
 * detached from its object (`const { getHeader } = kong.request`) gets a PDK error naming the
 * call, not the TypeError of a failed private brand check.
 *
 * There is no "current call" anywhere: requests interleave in one isolate when handlers await,
 * so every object answers for its own frame only (and refuses once that frame has ended).
 */
import { enter, type Frame } from './call.isolate.ts'
import { misuse } from './errors.isolate.ts'

/** Returns the object it is given, so a subclass can put its private slot on any object. */
class Carrier {
  constructor(target?: object) {
    // biome-ignore lint/correctness/noConstructorReturn: stamping the slot on an object made elsewhere (a proxy)
    if (target !== undefined) return target as Carrier
  }
}

let slotOf: (self: unknown) => Frame | undefined = () => undefined

/**
 * The slot. Modules extend it (`new RequestModule(frame)`); `new FrameBound(frame, object)` puts
 * the slot on an object made elsewhere (a proxy, an object with a per-plugin prototype).
 */
export class FrameBound extends Carrier {
  readonly #frame: Frame

  constructor(frame: Frame, target?: object) {
    super(target)
    this.#frame = frame
  }

  static {
    // One brand check: the read throws for anything without the slot (undefined, a plugin object).
    slotOf = (self) => {
      try {
        return (self as FrameBound).#frame
      } catch {
        return undefined
      }
    }
  }
}

/** `target` with the frame's slot (returned for chaining). */
export function bindFrame<T extends object>(target: T, frame: Frame): T {
  new FrameBound(frame, target)
  return target
}

/** The frame of the object a PDK method was called on; a detached call is a PDK error. */
export function frameOf(self: unknown, fn: string): Frame {
  const frame = slotOf(self)
  if (frame === undefined) {
    throw misuse(
      fn,
      `call it on its PDK object (${fn}(...)); a function taken off it (const { f } = kong.x) has no handler call to act for`,
    )
  }
  return frame
}

/** frameOf + enter: the first line of every PDK method. */
export function entered(self: unknown, fn: string, allowed: number): Frame {
  const frame = frameOf(self, fn)
  enter(frame, fn, allowed)
  return frame
}
