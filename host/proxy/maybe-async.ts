/**
 * Plugin calls answer synchronously when every crossing did (the common case) and with a promise
 * only when a plugin awaits host I/O: `andThen` goes on in the same turn for a plain value, so a
 * request without I/O pays for no promise and no microtask. (Not named `then`: a module exporting
 * `then` is a thenable, and `await import()` of it would call it.)
 */
export function andThen<T, R>(value: T | Promise<T>, next: (value: T) => R | Promise<R>): R | Promise<R> {
  return value instanceof Promise ? value.then(next) : next(value)
}
