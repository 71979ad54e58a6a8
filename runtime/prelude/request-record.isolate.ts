/** What the isolate keeps per request between phase calls, keyed by the host's request id. */
import type { Headers, RequestState } from '../protocol.ts'
import { isArrived } from './base-state.isolate.ts'
import { heldValue, keep } from './held.isolate.ts'
import {
  define,
  MapCtor,
  MapDelete,
  MapGet,
  MapSet,
  ObjectHasOwn,
  ObjectKeys,
  own,
  ReflectDeleteProperty,
  ReflectOwnKeys,
} from './intrinsics.isolate.ts'
import { type Plain, writeJson } from './values.isolate.ts'

export interface SerializeValue {
  key: string
  value: Plain | undefined
  mode: 'set' | 'add' | 'replace'
}

export interface RequestRecord {
  rid: string
  state: RequestState
  /** kong.ctx.shared: one live object for the request, refilled when the host sends a new one. */
  shared: Record<string, unknown>
  /**
   * kong.ctx.shared's JSON as the host holds it: as the host last sent it or this isolate last
   * answered it. A call's end compares the object's JSON with it (one serialisation per call).
   */
  sharedText: string
  /** kong.ctx.plugin, per plugin name. */
  pluginCtx: Map<string, Record<string, unknown>>
  /** The client's request body once known (from the state or a host read). */
  rawBody: string | null
  /** A host read of the request body in flight, shared by the call that asked for it. */
  rawBodyWait: { call: object; promise: Promise<string> } | null
  /** kong.response.getRawBody's buffer across bodyFilter chunks. */
  responseBuffer: Uint8Array[] | null
  serializeValues: SerializeValue[]
}

const requests = new MapCtor<string, RequestRecord>()

export function findRequest(rid: string): RequestRecord | undefined {
  return MapGet(requests, rid)
}

/**
 * The route and service of a request's first call in this isolate: one the host names by id
 * (PhaseCall.refs) is the one held here; one sent in full is held under its id for later
 * requests. False when a ref names what this isolate does not hold.
 */
export function routeAndService(state: RequestState, refs: unknown): boolean {
  return heldEntity(state, 'route', refs) && heldEntity(state, 'service', refs)
}

function heldEntity(state: RequestState, field: 'route' | 'service', refs: unknown): boolean {
  const ref = refs !== null && typeof refs === 'object' ? own(refs, field) : undefined
  if (typeof ref === 'string') {
    const value = heldValue(`${field}:${ref}`)
    if (value === undefined) return false
    setOwn(state, field, value)
    return true
  }
  const sent = own(state, field)
  const id = sent !== null && typeof sent === 'object' ? own(sent, 'id') : undefined
  if (typeof id === 'string') keep(`${field}:${id}`, sent)
  return true
}

/** A new record from the full state of a request's first call in this isolate. */
export function openRequest(rid: string, state: RequestState): RequestRecord {
  const shared: Record<string, unknown> = {}
  const sent = own(state, 'shared')
  fill(shared, sent)
  const body = own(state, 'rawBody')
  const request: RequestRecord = {
    rid,
    state,
    shared,
    sharedText: sentText(sent),
    pluginCtx: new MapCtor(),
    rawBody: typeof body === 'string' ? body : null,
    rawBodyWait: null,
    responseBuffer: null,
    serializeValues: [],
  }
  MapSet(requests, rid, request)
  return request
}

/** Each top-level key of a delta replaces that key of the state. */
export function applyDelta(request: RequestRecord, delta: Partial<RequestState>): void {
  const keys = ObjectKeys(delta)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    const value = own(delta, key)
    // A base state's headers are its class's accessor (the lines are dropped for the new ones).
    if (key === 'headers' && isArrived(request.state)) request.state.headers = value as Headers
    else setOwn(request.state, key, value)
    if (key === 'shared') {
      fill(request.shared, value)
      request.sharedText = sentText(value)
    }
    if (key === 'rawBody' && typeof value === 'string') request.rawBody = value
  }
}

/**
 * Sets a state field: an own data property (every field of a state the host encoded) takes an
 * assignment, which runs no setter; defining it anew would cost V8 a map transition each time.
 */
function setOwn(state: RequestState, key: string, value: unknown): void {
  if (ObjectHasOwn(state, key)) (state as unknown as Record<string, unknown>)[key] = value
  else define(state, key, value)
}

/**
 * The JSON of a kong.ctx.shared the host sent: JSON data, which `fill` copies key by key, so the
 * same text as the object's own JSON until a plugin changes it.
 */
function sentText(value: unknown): string {
  if (value === null || typeof value !== 'object' || ObjectKeys(value).length === 0) return '{}'
  return writeJson(value as Plain)
}

/** Replaces the contents of kong.ctx.shared, keeping the object plugins may hold. */
function fill(target: Record<string, unknown>, source: unknown): void {
  const old = ReflectOwnKeys(target)
  for (let i = 0; i < old.length; i++) ReflectDeleteProperty(target, old[i]!)
  if (source === null || typeof source !== 'object') return
  const keys = ObjectKeys(source)
  for (let i = 0; i < keys.length; i++) define(target, keys[i]!, own(source, keys[i]!))
}

export function forgetRequest(rid: string): void {
  MapDelete(requests, rid)
}
