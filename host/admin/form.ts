import { HttpError } from './http-error.ts'

/**
 * Kong's form syntax (kong/api/arguments.lua) turned into a nested value: `a.b=x` nests,
 * `a[]=x` appends, `a[2]=x` sets the 2nd element (1-based), a repeated key becomes an array.
 * Values stay strings; `inferValue` types them from the schema afterwards.
 * Work is linear in the body: at most MAX_FORM_FIELDS fields of at most MAX_NESTING steps, and
 * arrays are built from their indexes (a sorted map), so `a[99999999]=x` costs one element.
 */
type Step = { key: string } | { index: number | null }

/** Kong reads at most this many form fields (its `lua_max_post_args` default); past it, 400. */
export const MAX_FORM_FIELDS = 1000
/** Deepest nesting of a body (forms and JSON alike): lua-cjson's default decode depth. */
export const MAX_NESTING = 1000

/** An array being filled by 1-based index; holes are dropped when it is compacted, as in Kong. */
class FormList {
  readonly items = new Map<number, unknown>()
  last = 0
  set(index: number, value: unknown): void {
    this.items.set(index, value)
    if (index > this.last) this.last = index
  }
  push(value: unknown): void {
    this.set(this.last + 1, value)
  }
}

type Container = Record<string, unknown> | FormList

export function decodeForm(pairs: Iterable<readonly [string, string]>): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  let count = 0
  for (const [name, value] of pairs) {
    if (++count > MAX_FORM_FIELDS)
      throw new HttpError(400, `Too many form fields (at most ${MAX_FORM_FIELDS})`)
    const path = toPath(name)
    if (path.length > MAX_NESTING) throw new HttpError(400, 'Cannot parse form body: nested too deeply')
    assign(root, path, value)
  }
  return compact(root) as Record<string, unknown>
}

function toPath(name: string): Step[] {
  // A leading or trailing dot means the name is not a path (Kong keeps it whole).
  const segments = name.startsWith('.') || name.endsWith('.') ? [name] : name.split('.')
  const path: Step[] = []
  for (const segment of segments) {
    const { base, indexes } = splitIndexes(segment)
    path.push({ key: base }, ...indexes.map((index) => ({ index })))
    if (path.length > MAX_NESTING) break
  }
  return path
}

/** `a[1][]` → `a` and [1, null], scanning from the end once (a key keeps at least one character). */
function splitIndexes(segment: string): { base: string; indexes: (number | null)[] } {
  const indexes: (number | null)[] = []
  let end = segment.length
  while (end > 0 && segment.charCodeAt(end - 1) === 0x5d && indexes.length <= MAX_NESTING) {
    let open = end - 2
    while (open >= 0 && isDigit(segment.charCodeAt(open))) open--
    if (open < 1 || segment.charCodeAt(open) !== 0x5b) break
    indexes.push(open + 1 === end - 1 ? null : Number(segment.slice(open + 1, end - 1)))
    end = open
  }
  return { base: segment.slice(0, end), indexes: indexes.reverse() }
}

const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39

function assign(root: Record<string, unknown>, path: Step[], value: string): void {
  let node: Container = root
  for (let i = 0; i < path.length - 1; i++) {
    const step = path[i]!
    const wantsList = 'index' in path[i + 1]!
    let child = read(node, step)
    if (wantsList ? !(child instanceof FormList) : !isFormRecord(child)) {
      child = wantsList ? new FormList() : {}
      write(node, step, child)
    }
    node = child as Container
  }
  const last = path[path.length - 1]!
  const existing = read(node, last)
  if ('key' in last && existing !== undefined && !isFormRecord(existing)) {
    // A repeated plain key (`hosts=a&hosts=b`) collects its values.
    if (existing instanceof FormList) existing.push(value)
    else {
      const list = new FormList()
      list.push(existing)
      list.push(value)
      write(node, last, list)
    }
  } else {
    write(node, last, value)
  }
}

const isFormRecord = (value: unknown): value is Record<string, unknown> =>
  isRecord(value) && !(value instanceof FormList)

function read(node: Container, step: Step): unknown {
  if (node instanceof FormList)
    return 'index' in step && step.index !== null ? node.items.get(step.index) : undefined
  return 'key' in step && Object.hasOwn(node, step.key) ? node[step.key] : undefined
}

function write(node: Container, step: Step, value: unknown): void {
  if (node instanceof FormList) {
    if ('key' in step || step.index === null) node.push(value)
    else if (step.index >= 1) node.set(step.index, value)
    return
  }
  // Index steps only ever follow a list (see assign), so an object is written by key.
  if ('key' in step) setOwn(node, step.key, value)
}

/** defineProperty keeps `__proto__` and friends plain own keys (the DAO then rejects them as unknown). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/** Lists become arrays in index order, without the holes `a[3]=x` leaves, as Kong does. */
function compact(value: unknown): unknown {
  if (value instanceof FormList) {
    return [...value.items.keys()].sort((a, b) => a - b).map((index) => compact(value.items.get(index)))
  }
  if (isRecord(value)) {
    for (const key of Object.keys(value)) setOwn(value, key, compact(value[key]))
  }
  return value
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
