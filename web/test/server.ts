import { expect } from 'vitest'
import type { Binding, ServerKey } from '../src/crypto'

// The server's side of sealForServer, in WebCrypto (the Go side is
// keystore.DeviceKey.Open; the browser tests send through it): it opens an
// envelope for the binding the server rebuilds from the command.
export async function server(): Promise<{ key: ServerKey; open: (envelope: string, binding: Binding) => Promise<unknown> }> {
  const P256 = { name: 'ECDH', namedCurve: 'P-256' }
  const pair = (await crypto.subtle.generateKey(P256, false, ['deriveBits'])) as CryptoKeyPair
  const point = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))
  const b64u = (b: Uint8Array) => btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  const unb64u = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)), (c) => c.charCodeAt(0))
  const key = { id: 'test-key', algorithm: 'p256', publicKey: b64u(point) }
  const open = async (envelope: string, binding: Binding) => {
    const [alg, id, eph, iv, data] = envelope.split('.')
    expect([alg, id]).toEqual(['p256b', 'test-key'])
    const theirs = await crypto.subtle.importKey('raw', unb64u(eph), P256, false, [])
    const shared = await crypto.subtle.deriveBits({ name: 'ECDH', public: theirs }, pair.privateKey, 256)
    const hkdf = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey'])
    const aes = await crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array([...unb64u(eph), ...point]), info: new TextEncoder().encode('palabre identity v2') },
      hkdf, { name: 'AES-GCM', length: 256 }, false, ['decrypt'])
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unb64u(iv), additionalData: new TextEncoder().encode(`p256b\ntest-key\n${[binding.purpose, ...binding.records, binding.region].join('\n')}`) }, aes, unb64u(data))
    return JSON.parse(new TextDecoder().decode(plain))
  }
  return { key, open }
}
