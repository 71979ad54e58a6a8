import type { Db, Storage } from '../../storage/index.ts'
import type { ChangeEvent } from '../dao-types.ts'

type Listener = (event: ChangeEvent) => void

/** Change listeners; an exception in one never reaches the writer or other listeners. */
export class ChangeEmitter {
  private readonly listeners = new Set<Listener>()

  on(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit(events: readonly ChangeEvent[]): void {
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event)
        } catch {
          // A listener's failure is its own; the change is committed either way.
        }
      }
    }
  }
}

/** Bumps the configuration version inside the committing transaction. */
async function bumpVersion(db: Db): Promise<void> {
  await db
    .updateTable('config_state')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('key', '=', 'config')
    .execute()
}

/**
 * Where DAO calls run: in their own transaction (committed before the call returns, events emitted
 * after commit), or inside an enclosing `transaction()` whose commit covers them all.
 */
export class EntityContext {
  constructor(
    private readonly storage: Storage,
    private readonly emitter: ChangeEmitter,
    private readonly bound?: { db: Db; events: ChangeEvent[] },
  ) {}

  /** Reads see the enclosing transaction's writes when there is one. */
  read<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    return fn(this.bound?.db ?? this.storage.db)
  }

  write<T>(fn: (db: Db, events: ChangeEvent[]) => Promise<T>): Promise<T> {
    if (this.bound) return fn(this.bound.db, this.bound.events)
    return this.transaction((context) => context.write(fn))
  }

  async transaction<T>(fn: (context: EntityContext) => Promise<T>): Promise<T> {
    if (this.bound) return fn(this)
    const events: ChangeEvent[] = []
    const result = await this.storage.transaction(async (trx) => {
      const value = await fn(new EntityContext(this.storage, this.emitter, { db: trx, events }))
      if (events.length > 0) await bumpVersion(trx)
      return value
    })
    this.emitter.emit(events)
    return result
  }
}
