/**
 * An Admin API answer that is not a DAO error: Kong sends these as `{ "message": ... }`
 * (404 Not found, 405 Method not allowed, 413, 415, 400 Cannot parse JSON body, ...).
 */
export class HttpError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.name = 'HttpError'
    this.status = status
  }
}

export const notFound = (message = 'Not found') => new HttpError(404, message)
export const methodNotAllowed = () => new HttpError(405, 'Method not allowed')
