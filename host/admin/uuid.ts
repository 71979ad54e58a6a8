const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Kong's `is_valid_uuid`: decides whether a URL key is an id or an endpoint key. */
export const isUuid = (value: string): boolean => UUID.test(value)
