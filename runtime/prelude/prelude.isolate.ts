/**
 * Entry of the prelude, evaluated first in every plugin isolate (before any plugin bundle). It
 * installs `__isogate` — `adopt`, `meta`, `dispatch` — as a frozen, non-writable,
 * non-configurable global, so plugin code can neither replace nor wrap it.
 */
import { dispatch } from './dispatcher.isolate.ts'
import { ObjectFreeze, ReflectDefineProperty } from './intrinsics.isolate.ts'
import { adopt, meta } from './registry.isolate.ts'

ReflectDefineProperty(globalThis, '__isogate', {
  value: ObjectFreeze({ adopt, meta, dispatch }),
  writable: false,
  enumerable: false,
  configurable: false,
})
