import type { Entities } from '../entities/index.ts'
import { entityRefused } from './db-limits.ts'

/**
 * `plugin_db_max_rows`: rows one plugin's kong.db entities may hold in one workspace before plugin
 * code's writes are refused with Kong's 400. Every row counts (the operator's too), but only plugin
 * code on the proxy path is refused: Admin API writes never are, api.ts handlers' included (only an
 * operator's Admin API call runs them). A running count per (entity, workspace), read once
 * by COUNT at first use and kept by the change events of every committed write (inserts, deletes,
 * TTL purges, cascades); inserts in flight are reserved, so concurrent ones cannot overshoot.
 */
export class RowCounter {
  private readonly counts = new Map<string, number | Promise<number>>()
  private readonly pending = new Map<string, number>()
  private readonly pluginOf: Map<string, string>

  constructor(
    private readonly entities: Entities,
    /** Entity (DAO) names of each plugin. */
    private readonly entitiesOf: ReadonlyMap<string, readonly string[]>,
    private readonly maxRows: number,
  ) {
    this.pluginOf = new Map([...entitiesOf].flatMap(([plugin, names]) => names.map((name) => [name, plugin])))
    entities.onChange((event) => {
      if (!this.pluginOf.has(event.entity) || event.op === 'update') return
      const key = this.keyOf(event.entity, event.ws_id ?? '')
      const count = this.counts.get(key)
      // Before the first COUNT has answered, that COUNT is the truth.
      if (typeof count === 'number') this.counts.set(key, count + (event.op === 'create' ? 1 : -1))
    })
  }

  /**
   * Before plugin code adds a row of `plugin` in `ws`: throws Kong's 400 at the limit; otherwise
   * answers the release to call once the write is done (committed or not).
   */
  async reserve(ws: string, plugin: string): Promise<() => void> {
    const key = `${ws}\u0000${plugin}`
    let total = 0
    for (const name of this.entitiesOf.get(plugin) ?? []) total += await this.count(name, ws)
    // Read after the awaits: reservations made meanwhile count.
    total += this.pending.get(key) ?? 0
    if (total >= this.maxRows) {
      throw entityRefused(`plugin ${plugin} may keep at most ${this.maxRows} rows in this workspace`)
    }
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1)
    return () => {
      const left = (this.pending.get(key) ?? 1) - 1
      if (left > 0) this.pending.set(key, left)
      else this.pending.delete(key)
    }
  }

  private keyOf(entity: string, ws: string): string {
    const schema = this.entities.schema(entity)
    return `${entity}\u0000${schema?.workspaceable ? ws : ''}`
  }

  private async count(entity: string, ws: string): Promise<number> {
    const key = this.keyOf(entity, ws)
    const known = this.counts.get(key)
    if (known !== undefined) return known
    const dao = this.entities.dao(entity)
    const counting = dao ? dao.count(ws) : Promise.resolve(0)
    this.counts.set(key, counting)
    try {
      const count = await counting
      if (this.counts.get(key) === counting) this.counts.set(key, count)
      return count
    } catch (error) {
      this.counts.delete(key)
      throw error
    }
  }
}
