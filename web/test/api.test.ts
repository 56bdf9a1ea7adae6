import { afterEach, describe, expect, it, vi } from 'vitest'
import { Revoked, SignedOut, gql, gqlWithToken, whenRevoked } from '../src/api'

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

describe('a session whose token was revoked', () => {
  afterEach(() => vi.unstubAllGlobals())
  const answer = (field?: string) => vi.fn(async () => new Response(JSON.stringify({ errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED', field } }] }), { status: 401 }))
  it('wipes the device before the request fails', async () => {
    const wiped = vi.fn(async () => undefined)
    whenRevoked(wiped)
    vi.stubGlobal('fetch', answer('revoked'))
    await expect(gql('{ me { subject } }')).rejects.toBeInstanceOf(Revoked)
    expect(wiped).toHaveBeenCalledOnce()
  })
  it('does not for a session that ended otherwise, nor for a token typed for one act', async () => {
    const wiped = vi.fn(async () => undefined)
    whenRevoked(wiped)
    vi.stubGlobal('fetch', answer())
    await expect(gql('{ me { subject } }')).rejects.toBeInstanceOf(SignedOut)
    await expect(gql('{ me { subject } }')).rejects.not.toBeInstanceOf(Revoked)
    vi.stubGlobal('fetch', answer('revoked'))
    expect((await gqlWithToken('plb_old', 'mutation { ok }')).errors[0]?.code).toBe('UNAUTHENTICATED')
    expect(wiped).not.toHaveBeenCalled()
  })
})
