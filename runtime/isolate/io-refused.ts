import type { IoErrorDetail } from '../protocol.ts'

/**
 * A host I/O refusal with structure the plugin may inspect (kong.db: Kong's error name and field
 * errors). Thrown by I/O handlers; its message and detail reach the plugin's PDK error.
 */
export class IoRefused extends Error {
  readonly detail: IoErrorDetail
  constructor(message: string, detail: IoErrorDetail) {
    super(message)
    this.name = 'IoRefused'
    this.detail = detail
  }
}

export function ioErrorDetail(error: unknown): IoErrorDetail | undefined {
  return error instanceof IoRefused ? error.detail : undefined
}
