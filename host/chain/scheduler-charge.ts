import type { IoHandler, IsolateHandle } from '../../runtime/isolate/index.ts'
import type { WorkspaceScheduler } from './scheduler/index.ts'

/** Each isolate's charged view, made once: an isolate belongs to one workspace of one worker. */
const charged = new WeakMap<IsolateHandle, IsolateHandle>()

/** The isolate as runPhase uses it, each crossing's CPU charged to the workspace's share. */
export function chargedTo(
  scheduler: WorkspaceScheduler,
  wsId: string,
  isolate: IsolateHandle,
): IsolateHandle {
  let view = charged.get(isolate)
  if (view === undefined) {
    view = chargingView(scheduler, wsId, isolate)
    charged.set(isolate, view)
  }
  return view
}

function chargingView(scheduler: WorkspaceScheduler, wsId: string, isolate: IsolateHandle): IsolateHandle {
  return {
    dispatch(message, timeoutMs, tail) {
      const before = isolate.cpuTimeMs()
      try {
        return isolate.dispatch(message, timeoutMs, tail)
      } finally {
        scheduler.charge(wsId, (isolate.cpuTimeMs() - before) * 1000)
      }
    },
    cpuTimeMs: () => isolate.cpuTimeMs(),
    heap: () => isolate.heap(),
    get disposed() {
      return isolate.disposed
    },
    dispose: () => isolate.dispose(),
  }
}

/**
 * The I/O of one phase call, its resume queued: once the last of a crossing's requests is done
 * (runPhase performs them together and resumes when all are), the call waits for its workspace's
 * turn, then runPhase crosses in the same microtask run. A resume asked with no I/O (rare: the
 * isolate's promises needed another turn) is not queued; it is still charged.
 */
export function resumesQueued(scheduler: WorkspaceScheduler, wsId: string, io: IoHandler): IoHandler {
  let inFlight = 0
  return async (request) => {
    inFlight++
    try {
      return await io(request)
    } finally {
      if (--inFlight === 0) await scheduler.turn(wsId, 'resumed')
    }
  }
}
