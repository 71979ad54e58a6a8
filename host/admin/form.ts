/**
 * Kong's form syntax (kong/api/arguments.lua) turned into a nested value: `a.b=x` nests,
 * `a[]=x` appends, `a[2]=x` sets the 2nd element (1-based), a repeated key becomes an array.
 * Values stay strings; `inferValue` types them from the schema afterwards.
 */
type Step = { key: string } | { index: number | null }
type Container = Record<string, unknown> | unknown[]

export function decodeForm(pairs: Iterable<readonly [string, string]>): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  for (const [name, value] of pairs) assign(root, toPath(name), value)
  return compact(root) as Record<string, unknown>
}

function toPath(name: string): Step[] {
  // A leading or trailing dot means the name is not a path (Kong keeps it whole).
  const segments = name.startsWith('.') || name.endsWith('.') ? [name] : name.split('.')
  const path: Step[] = []
  for (const segment of segments) {
    const indexes: (number | null)[] = []
    let base = segment
    for (let match = /^(.+)\[(\d*)\]$/.exec(base); match; match = /^(.+)\[(\d*)\]$/.exec(base)) {
      base = match[1]!
      indexes.unshift(match[2] === '' ? null : Number(match[2]))
    }
    path.push({ key: base }, ...indexes.map((index) => ({ index })))
  }
  return path
}

function assign(root: Record<string, unknown>, path: Step[], value: string): void {
  let node: Container = root
  for (let i = 0; i < path.length - 1; i++) {
    const step = path[i]!
    const wantsArray = 'index' in path[i + 1]!
    let child = read(node, step)
    if (wantsArray ? !Array.isArray(child) : !isRecord(child)) {
      child = wantsArray ? [] : {}
      write(node, step, child)
    }
    node = child as Container
  }
  const last = path[path.length - 1]!
  const existing = read(node, last)
  if ('key' in last && existing !== undefined && !isRecord(existing)) {
    // A repeated plain key (`hosts=a&hosts=b`) collects its values.
    write(node, last, Array.isArray(existing) ? [...existing, value] : [existing, value])
  } else {
    write(node, last, value)
  }
}

function read(node: Container, step: Step): unknown {
  if ('key' in step)
    return Array.isArray(node) ? undefined : Object.hasOwn(node, step.key) ? node[step.key] : undefined
  if (!Array.isArray(node) || step.index === null) return undefined
  return node[step.index - 1]
}

function write(node: Container, step: Step, value: unknown): void {
  if (Array.isArray(node)) {
    if ('key' in step || step.index === null) node.push(value)
    else if (step.index >= 1) node[step.index - 1] = value
    return
  }
  setOwn(node, 'key' in step ? step.key : String(step.index ?? Object.keys(node).length + 1), value)
}

/** defineProperty keeps `__proto__` and friends plain own keys (the DAO then rejects them as unknown). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

/** Drops the holes `a[3]=x` leaves in arrays, as Kong does. */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter(() => true).map(compact)
  if (isRecord(value)) {
    for (const key of Object.keys(value)) setOwn(value, key, compact(value[key]))
  }
  return value
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
