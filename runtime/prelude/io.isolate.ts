/**
 * Host I/O requested by PDK calls (bodies, db): each request gets an id, is reported in the
 * call's next result, and its promise settles when a `resume` brings the answer.
 */
import type { IoRequest, IoResult } from '../protocol.ts'
import type { CallRecord, Frame } from './call.isolate.ts'
import { PdkError } from './errors.isolate.ts'
import {
  define,
  MapCtor,
  MapDelete,
  MapForEach,
  MapGet,
  MapSet,
  own,
  PromiseCtor,
  push,
} from './intrinsics.isolate.ts'
import { callChanged } from './late-answer.isolate.ts'

interface Waiter {
  call: CallRecord
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

const waiters = new MapCtor<number, Waiter>()
/** What a refusal's `detail` may add to the PDK error (kong.db: Kong's error and its Admin API answer). */
const DETAIL_KEYS = ['fields', 'status', 'body'] as const
let nextId = 1
let waitingTotal = 0

export function requestIo(frame: Frame, op: IoRequest['op'], args: unknown[]): Promise<unknown> {
  const call = frame.call
  const id = nextId++
  push(call.io, { id, plugin: frame.plugin, op, args })
  call.ioWaiting++
  waitingTotal++
  const wait = new PromiseCtor<unknown>((resolve, reject) => {
    MapSet(waiters, id, { call, resolve, reject })
  })
  callChanged(call)
  return wait
}

/** Settles the promises of answered requests; returns how many belonged to `call`. */
export function deliverIo(call: CallRecord, results: readonly IoResult[]): number {
  let delivered = 0
  for (let i = 0; i < results.length; i++) {
    const result = results[i]!
    const id = own(result, 'id')
    const waiter = typeof id === 'number' ? MapGet(waiters, id) : undefined
    if (!waiter) continue
    MapDelete(waiters, id as number)
    waiter.call.ioWaiting--
    waitingTotal--
    if (waiter.call === call) delivered++
    if (own(result, 'ok') === true) {
      waiter.resolve(own(result, 'value'))
    } else {
      const error = own(result, 'error')
      const failure = new PdkError(typeof error === 'string' ? error : 'host I/O failed')
      const detail = own(result, 'detail')
      const code = own(detail as object, 'code')
      if (typeof code === 'string') {
        define(failure, 'code', code)
        for (let i = 0; i < DETAIL_KEYS.length; i++) {
          const value = own(detail as object, DETAIL_KEYS[i] as string)
          if (value !== undefined) define(failure, DETAIL_KEYS[i] as string, value)
        }
      }
      waiter.reject(failure)
    }
  }
  return delivered
}

/** Forgets the unanswered requests of a finished or dropped call (their promises never settle). */
export function cancelIo(call: CallRecord): void {
  if (call.ioWaiting === 0) return
  MapForEach(waiters, (waiter, id) => {
    if (waiter.call !== call) return
    MapDelete(waiters, id)
    waitingTotal--
  })
  call.ioWaiting = 0
}

/** Unanswered host I/O of every call in this isolate. */
export function ioWaitingTotal(): number {
  return waitingTotal
}
