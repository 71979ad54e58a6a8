/**
 * The `kong` object a handler receives: one per handler call (frame), its modules made on first
 * use. Every module's methods exist once per isolate, on frozen prototypes (pdk-bound): per call
 * only this object and the module instances the handler touches are made, each holding nothing
 * but the frame in a private slot (not frozen: freezing costs ~150 ns per object, and what a
 * plugin adds to its own call's objects only its own code sees). The same shape serves every
 * phase; each method checks the phase when called. A plugin can neither reach the frame nor swap
 * a module or method for anyone else (prototypes and getters are frozen).
 */
import type { Frame } from './call.isolate.ts'
import { env } from './env.isolate.ts'
import { ObjectFreeze } from './intrinsics.isolate.ts'
import { cacheModule } from './pdk-cache.isolate.ts'
import { clientModule } from './pdk-client.isolate.ts'
import { cryptoModule } from './pdk-crypto.isolate.ts'
import { ctxModule } from './pdk-ctx.isolate.ts'
import { dbModule } from './pdk-db.isolate.ts'
import { logModule } from './pdk-log.isolate.ts'
import { ipModule, nodeModule, routerModule } from './pdk-readonly.isolate.ts'
import { requestModule } from './pdk-request.isolate.ts'
import { responseModule } from './pdk-response.isolate.ts'
import { serviceModule } from './pdk-service.isolate.ts'

class Kong {
  readonly #frame: Frame
  #request?: object
  #response?: object
  #service?: object
  #client?: object
  #router?: object
  #ctx?: object
  #log?: object
  #node?: object
  #ip?: object
  #crypto?: object
  #db?: object
  #cache?: object

  constructor(frame: Frame) {
    this.#frame = frame
  }
  /** The gateway's version (Kong's kong.version). */
  get version(): string {
    return env.version
  }
  get request(): object {
    this.#request ??= requestModule(this.#frame)
    return this.#request
  }
  get response(): object {
    this.#response ??= responseModule(this.#frame)
    return this.#response
  }
  get service(): object {
    this.#service ??= serviceModule(this.#frame)
    return this.#service
  }
  get client(): object {
    this.#client ??= clientModule(this.#frame)
    return this.#client
  }
  get router(): object {
    this.#router ??= routerModule(this.#frame)
    return this.#router
  }
  get ctx(): object {
    this.#ctx ??= ctxModule(this.#frame)
    return this.#ctx
  }
  get log(): object {
    this.#log ??= logModule(this.#frame)
    return this.#log
  }
  get node(): object {
    this.#node ??= nodeModule(this.#frame)
    return this.#node
  }
  get ip(): object {
    this.#ip ??= ipModule(this.#frame)
    return this.#ip
  }
  get crypto(): object {
    this.#crypto ??= cryptoModule(this.#frame)
    return this.#crypto
  }
  get db(): object {
    this.#db ??= dbModule(this.#frame)
    return this.#db
  }
  get cache(): object {
    this.#cache ??= cacheModule(this.#frame)
    return this.#cache
  }
}
ObjectFreeze(Kong.prototype)
ObjectFreeze(Kong)

export function kongFor(frame: Frame): object {
  return new Kong(frame)
}
