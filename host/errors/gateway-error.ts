import { ERROR_CODES, type ErrorCode } from './codes.ts'

/** Field errors in Kong's shape: a message per field, nested for records (`{config: {x: "..."}}`). */
export type FieldErrors = { [field: string]: string | string[] | FieldErrors }

/** An error the Admin API and the DAO layer raise; `code` is one of the string codes in codes.ts. */
export class GatewayError extends Error {
  readonly code: ErrorCode
  readonly fields: FieldErrors | undefined

  constructor(code: ErrorCode, message: string, fields?: FieldErrors) {
    super(message)
    this.name = 'GatewayError'
    this.code = code
    this.fields = fields
  }

  get status(): number {
    return ERROR_CODES[this.code].status
  }
}

/** Kong's error body: `{code, name, message, fields}`. */
export interface KongErrorBody {
  code: number
  name: string
  message: string
  fields?: FieldErrors
}

export function toKongBody(error: GatewayError): KongErrorBody {
  const entry = ERROR_CODES[error.code]
  const body: KongErrorBody = { code: entry.kong, name: entry.name, message: error.message }
  if (error.fields) body.fields = error.fields
  return body
}

/** Duck-typed so errors from another module instance (or a worker) are recognised too. */
export function isGatewayError(value: unknown): value is GatewayError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'GatewayError' &&
    typeof (value as { code?: unknown }).code === 'string' &&
    (value as { code: string }).code in ERROR_CODES
  )
}
