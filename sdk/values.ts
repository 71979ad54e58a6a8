/** Value shapes shared by the PDK modules. */

/** Request headers as read: lower-case names; a repeated header gives an array. */
export type HeaderMap = Record<string, string | string[]>

/** A header value a setter accepts (numbers and booleans become strings). */
export type HeaderValue = string | number | boolean | readonly string[]

/** A header table for setHeaders/exit/error: names as they should be sent. */
export type HeaderInput = Record<string, HeaderValue>

/** One query argument: a string, `true` for a bare key (`?debug`). */
export type QueryValue = string | true

/** Parsed query string or form body: a repeated key gives an array. */
export type QueryArgs = Record<string, QueryValue | QueryValue[]>

/** What kong.service.request.setQuery accepts per key (`false` drops the key). */
export type QueryInput = string | number | boolean | readonly (string | number | boolean)[]

export type HttpMethod =
  | 'GET'
  | 'HEAD'
  | 'PUT'
  | 'POST'
  | 'DELETE'
  | 'OPTIONS'
  | 'MKCOL'
  | 'COPY'
  | 'MOVE'
  | 'PROPFIND'
  | 'PROPPATCH'
  | 'LOCK'
  | 'UNLOCK'
  | 'PATCH'
  | 'TRACE'

/** MIME types getBody/setBody understand. */
export type BodyMimeType =
  | 'application/x-www-form-urlencoded'
  | 'application/json'
  | 'multipart/form-data'
  | (string & {})

/** A Kong entity as plugins see it (route, service, consumer, credential): JSON data. */
export interface Entity {
  id: string
  [field: string]: unknown
}

export interface RouteEntity extends Entity {
  name: string | null
  paths: string[] | null
  hosts: string[] | null
  methods: string[] | null
  protocols: string[]
  tags: string[] | null
}

export interface ServiceEntity extends Entity {
  name: string | null
  protocol: string
  host: string
  port: number
  path: string | null
  retries: number
  connect_timeout: number
  write_timeout: number
  read_timeout: number
  tags: string[] | null
}

export interface ConsumerEntity extends Entity {
  username?: string | null
  custom_id?: string | null
}
