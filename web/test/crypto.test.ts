import { describe, expect, it } from 'vitest'
import { newVault, openVault, scryptParams, seal, sealForServer, unseal, type ServerKey } from '../src/crypto'

// Tests derive with a small scrypt (the parameters are the vault's own);
// one derives with the app's, to hold them to what docs/SECURITY.md says.
const quick = { N: 2 ** 10, r: 8, p: 1 }

describe('the PIN’s vault', () => {
  it('uses scrypt at 128 MiB (N = 2¹⁷, r = 8)', () => {
    expect(scryptParams.N * 128 * scryptParams.r).toBeGreaterThanOrEqual(128 * 2 ** 20)
  })

  it('opens with the same PIN only, and keeps nothing a guess can be checked against but the wrapped key', async () => {
    const { vault, key } = await newVault('246810', quick)
    expect(Object.keys(vault).sort()).toEqual(['params', 'salt', 'wrapped'])
    const sealed = await seal(key, { code: 'GAO-0001' })
    expect(JSON.stringify(sealed)).not.toContain('GAO')
    expect(await unseal(await openVault('246810', vault), sealed)).toEqual({ code: 'GAO-0001' })
    await expect(openVault('246811', vault)).rejects.toThrow()
    await expect(unseal((await newVault('246810', quick)).key, sealed)).rejects.toThrow()
  })

  it('keeps a data key nobody can export, PIN or not', async () => {
    const { vault } = await newVault('246810', quick)
    const key = await openVault('246810', vault)
    expect(key.extractable).toBe(false)
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow()
  })

  it('derives at the app’s parameters in about a second', async () => {
    const start = performance.now()
    const { vault } = await newVault('246810')
    expect(vault.params).toEqual(scryptParams)
    expect(performance.now() - start).toBeGreaterThan(100)
  }, 60_000)

  it('never seals the same value the same way twice', async () => {
    const { key } = await newVault('246810', quick)
    const a = await seal(key, 'x')
    const b = await seal(key, 'x')
    expect(a.iv).not.toBe(b.iv)
    expect(a.data).not.toBe(b.data)
  })
})

// The server's side of sealForServer, in WebCrypto (the Go side is
// keystore.DeviceKey.Open; the browser tests send through it).
async function server(): Promise<{ key: ServerKey; open: (envelope: string) => Promise<unknown> }> {
  const P256 = { name: 'ECDH', namedCurve: 'P-256' }
  const pair = (await crypto.subtle.generateKey(P256, false, ['deriveBits'])) as CryptoKeyPair
  const point = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))
  const b64u = (b: Uint8Array) => btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  const unb64u = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)), (c) => c.charCodeAt(0))
  const key = { id: 'test-key', algorithm: 'p256', publicKey: b64u(point) }
  const open = async (envelope: string) => {
    const [alg, id, eph, iv, data] = envelope.split('.')
    expect([alg, id]).toEqual(['p256', 'test-key'])
    const theirs = await crypto.subtle.importKey('raw', unb64u(eph), P256, false, [])
    const shared = await crypto.subtle.deriveBits({ name: 'ECDH', public: theirs }, pair.privateKey, 256)
    const hkdf = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey'])
    const aes = await crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array([...unb64u(eph), ...point]), info: new TextEncoder().encode('palabre identity v1') },
      hkdf, { name: 'AES-GCM', length: 256 }, false, ['decrypt'])
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unb64u(iv), additionalData: new TextEncoder().encode('p256.test-key') }, aes, unb64u(data))
    return JSON.parse(new TextDecoder().decode(plain))
  }
  return { key, open }
}

describe('a name sealed for the server', () => {
  it('opens with the server’s private key only', async () => {
    const s = await server()
    const who = { name: 'Aminata Canari', phone: '+223 555' }
    const envelope = await sealForServer(s.key, who)
    expect(envelope).not.toContain('Aminata')
    expect(envelope).not.toContain(btoa('Aminata').slice(0, 8))
    expect(await s.open(envelope)).toEqual(who)
    const other = await server()
    await expect(other.open(envelope)).rejects.toThrow()
  })

  it('differs every time, and names the key it was sealed for', async () => {
    const s = await server()
    const a = await sealForServer(s.key, { name: 'X' })
    const b = await sealForServer(s.key, { name: 'X' })
    expect(a).not.toBe(b)
    expect(a.startsWith('p256.test-key.')).toBe(true)
  })

  it('refuses a key of a scheme it does not know', async () => {
    const s = await server()
    await expect(sealForServer({ ...s.key, algorithm: 'x25519' }, { name: 'X' })).rejects.toThrow()
  })
})
