import type { ServerKey } from './crypto'

// The API over fetch: GraphQL at /graphql and the session at /session,
// signed in by the HttpOnly cookie the server sets; every request carries
// the CSRF header the server asks of cookie requests.

export interface ApiError {
  code: string
  field?: string
  message: string
  /** For a refused command: every field at fault, in the reader's language. */
  problems?: { field: string; message: string }[]
}

/** Offline: the request never reached the server. */
export class Offline extends Error {}

/** SignedOut: the session is gone (expired, revoked, signed out). */
export class SignedOut extends Error {}

/** Revoked: the server says the session's token was revoked. */
export class Revoked extends SignedOut {}

let revoked: () => Promise<void> = async () => undefined

/** whenRevoked names what the app does when the server says its token was
 * revoked (it wipes the device), before the request throws Revoked. */
export function whenRevoked(f: () => Promise<void>): void {
  revoked = f
}

export interface Session {
  subject: string
  role: 'facilitator' | 'advocacy' | 'analyst' | 'admin'
  regions: string[]
  expires?: string
  /** The token's id (never its secret): whose work the outbox holds. */
  token?: string
}

const headers = { 'Content-Type': 'application/json' }

/** request is every call to the server: the session's cookie, the CSRF
 * header cookie requests need, the interface's language (the server says
 * its refusals in it); throws Offline when the server is not reached. */
export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  let res: Response
  try {
    const language = document.documentElement.lang === 'en' ? 'en' : 'fr'
    res = await fetch(path, { credentials: 'same-origin', ...init, headers: { 'X-Palabre-Csrf': '1', 'Accept-Language': language, ...init.headers } })
  } catch {
    throw new Offline('offline')
  }
  // A session's token revoked (not a token typed for one act) wipes the device.
  if (res.status === 401 && init.credentials !== 'omit') {
    const errors = errorsOf(await res.clone().json().catch(() => ({})))
    if (errors.some((e) => e.field === 'revoked')) {
      await revoked()
      throw new Revoked('revoked')
    }
  }
  return res
}

/** deviceKey is the key the server opens sealed names with. */
export async function deviceKey(): Promise<ServerKey | null> {
  const { data } = await gql<{ deviceKey: ServerKey | null }>('{ deviceKey { id algorithm publicKey } }')
  return data?.deviceKey ?? null
}

// call sends JSON.
const call = (path: string, init: RequestInit) => request(path, { ...init, headers: { ...headers, ...init.headers } })

export function errorsOf(body: unknown): ApiError[] {
  type Raw = { message: string; extensions?: { code?: string; field?: string; problems?: ApiError['problems'] } }
  const list = (body as { errors?: Raw[] })?.errors ?? []
  return list.map((e) => ({ code: e.extensions?.code ?? 'INTERNAL', field: e.extensions?.field, message: e.message, problems: e.extensions?.problems }))
}

export interface Answer<T> {
  data?: T
  errors: ApiError[]
}

/** gql sends a GraphQL request; throws Offline or SignedOut. */
export async function gql<T>(document: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> {
  const res = await call('/graphql', { method: 'POST', body: JSON.stringify({ query: document, variables }) })
  if (res.status === 401) throw new SignedOut('signed out')
  const body = await res.json().catch(() => ({ errors: [{ message: `HTTP ${res.status}`, extensions: { code: 'INTERNAL' } }] }))
  return { data: body.data ?? undefined, errors: errorsOf(body) }
}

export async function signIn(token: string): Promise<Session | ApiError> {
  const res = await call('/session', { method: 'POST', body: JSON.stringify({ token }) })
  const body = await res.json().catch(() => ({}))
  return res.ok ? (body as Session) : (errorsOf(body)[0] ?? { code: 'INTERNAL', message: `HTTP ${res.status}` })
}

export async function whoAmI(): Promise<Session | null> {
  const res = await call('/session', { method: 'GET' })
  return res.ok ? ((await res.json()) as Session) : null
}

/** signOut ends the session on the server; throws Offline when the
 * server did not (unreached, or failing). */
export async function signOut(): Promise<void> {
  const res = await call('/session', { method: 'DELETE' })
  if (!res.ok && res.status !== 401) throw new Offline(`sign-out: HTTP ${res.status}`)
}

/** gqlWithToken sends one GraphQL request signed by a bearer token the
 * person presents for it, without the session's cookie: for what a browser
 * session may not do alone (an erasure). The token is sent once and kept
 * nowhere. Throws Offline. */
export async function gqlWithToken<T>(token: string, document: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> {
  const res = await request('/graphql', {
    method: 'POST',
    credentials: 'omit',
    headers: { ...headers, Authorization: `Bearer ${token.trim()}` },
    body: JSON.stringify({ query: document, variables }),
  })
  const code = res.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL'
  const body = await res.json().catch(() => ({ errors: [{ message: `HTTP ${res.status}`, extensions: { code } }] }))
  return { data: body.data ?? undefined, errors: errorsOf(body) }
}
