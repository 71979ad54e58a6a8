/** An Admin API call with a JSON body: status and parsed JSON (null when empty). */
export type AdminCall = (
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: Admin API answers have many shapes; tests read them freely
) => Promise<{ status: number; body: any }>

export function adminClient(adminUrl: string): AdminCall {
  return async (method, path, body) => {
    const response = await fetch(adminUrl + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    return { status: response.status, body: text ? JSON.parse(text) : null }
  }
}
