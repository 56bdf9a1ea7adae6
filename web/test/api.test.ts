import { afterEach, describe, expect, it, vi } from 'vitest'
import { gqlWithToken } from '../src/api'

globalThis.document ??= { documentElement: { lang: 'fr' } } as Document

describe('a request signed by a token presented for it', () => {
  afterEach(() => vi.unstubAllGlobals())
  it('carries the bearer token and not the session’s cookie', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ data: { ok: true } })))
    vi.stubGlobal('fetch', fetch)
    const a = await gqlWithToken(' plb_secret ', 'mutation { ok }')
    const [path, init] = fetch.mock.calls[0] as unknown as [string, RequestInit]
    expect(path).toBe('/graphql')
    expect(init.credentials).toBe('omit')
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer plb_secret')
    expect(a.data).toEqual({ ok: true })
  })
  it('tells a refused token as UNAUTHENTICATED', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('no', { status: 401 })))
    const a = await gqlWithToken('wrong', 'mutation { ok }')
    expect(a.errors[0]?.code).toBe('UNAUTHENTICATED')
  })
})
