import { scryptAsync } from '@noble/hashes/scrypt.js'

// What the device keeps is of two kinds.
//
// Names and phones are sealed to the server's device key as soon as they
// are typed (sealForServer: an ephemeral P-256 key, ECDH, HKDF-SHA-256,
// AES-256-GCM), each for the one command that carries it: the device
// never reads them back, nothing on it, the PIN included, opens them, and
// the server opens one only in its own command.
//
// What the app must read offline (the outbox, so a refused item can be
// fixed, and the region's codes) is sealed with AES-GCM under a random
// data key, itself wrapped under a key derived from the PIN by scrypt.
// Nothing else is kept to tell a wrong PIN: a guess is checked only by
// unwrapping, which costs a whole scrypt. The keys are not extractable and
// live in memory only.

/** scrypt's parameters, OWASP's minimum for scrypt: 128 MiB and about a
 * second per guess on a laptop
 * (docs/SECURITY.md has the measures). Kept with the wrapped key, so that
 * they can be raised without locking anyone out. */
export const scryptParams = { N: 2 ** 17, r: 8, p: 1 }
export type ScryptParams = typeof scryptParams

/** Sealed is AES-GCM ciphertext and its nonce, both base64. */
export interface Sealed {
  iv: string
  data: string
}

/** Vault is what the device keeps of the PIN: the data key, wrapped under
 * the PIN's scrypt key, and how to derive that key again. */
export interface Vault {
  salt: string
  params: ScryptParams
  wrapped: Sealed
}

/** ServerKey is the server's device key as Query.deviceKey publishes it. */
export interface ServerKey {
  id: string
  algorithm: string
  publicKey: string
}

const encoder = new TextEncoder()
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n))
const aesGcm = (iv: Uint8Array) => ({ name: 'AES-GCM', iv: iv as BufferSource })

async function pinKey(pin: string, salt: Uint8Array, params: ScryptParams): Promise<CryptoKey> {
  const raw = await scryptAsync(encoder.encode(pin), salt, { ...params, dkLen: 32 })
  return crypto.subtle.importKey('raw', raw as BufferSource, 'AES-GCM', false, ['wrapKey', 'unwrapKey'])
}

/** newVault makes a data key and wraps it under the PIN. */
export async function newVault(pin: string, params = scryptParams): Promise<{ vault: Vault; key: CryptoKey }> {
  const salt = random(16)
  const iv = random(12)
  const data = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt'])
  const wrapped = await crypto.subtle.wrapKey('raw', data, await pinKey(pin, salt, params), aesGcm(iv))
  const vault = { salt: toBase64(salt), params, wrapped: { iv: toBase64(iv), data: toBase64(new Uint8Array(wrapped)) } }
  return { vault, key: await openVault(pin, vault) }
}

/** openVault unwraps the data key (not extractable); it throws on a wrong
 * PIN. */
export async function openVault(pin: string, vault: Vault): Promise<CryptoKey> {
  const key = await pinKey(pin, fromBase64(vault.salt), vault.params)
  return crypto.subtle.unwrapKey('raw', fromBase64(vault.wrapped.data) as BufferSource, key, aesGcm(fromBase64(vault.wrapped.iv)),
    'AES-GCM', false, ['encrypt', 'decrypt'])
}

export async function seal(key: CryptoKey, value: unknown): Promise<Sealed> {
  const iv = random(12)
  const data = await crypto.subtle.encrypt(aesGcm(iv), key, encoder.encode(JSON.stringify(value)))
  return { iv: toBase64(iv), data: toBase64(new Uint8Array(data)) }
}

/** unseal throws when the key is not the one that sealed. */
export async function unseal<T>(key: CryptoKey, sealed: Sealed): Promise<T> {
  const plain = await crypto.subtle.decrypt(aesGcm(fromBase64(sealed.iv)), key, fromBase64(sealed.data) as BufferSource)
  return JSON.parse(new TextDecoder().decode(plain)) as T
}

/** Binding is what an envelope is sealed for, as the server rebuilds it
 * from the command the envelope arrives in: the command's name, the ids of
 * the record it goes into (made on the device, upper case), and the region
 * the command names ('' when none). Sealed for one command, a name opens
 * in no other: not in another person's enrolment, another region, nor as
 * an outcome's verifier. */
export interface Binding {
  purpose: 'EnrolParticipant' | 'CorrectParticipant' | 'RequestSubstantiation'
  records: string[]
  region: string
}

/** sealForServer seals a name and phone to the server's device key for
 * one command, in the envelope IdentityInput.sealed takes (see graphql's
 * schema): p256b, additional data its binding's lines. */
export async function sealForServer(server: ServerKey, binding: Binding, who: { name: string; phone?: string; organisation?: string }): Promise<string> {
  if (server.algorithm !== 'p256') throw new Error('unknown device key algorithm ' + server.algorithm)
  if ((binding.purpose + binding.region).includes('\n')) throw new Error('a binding has no line break')
  const serverPoint = fromBase64Url(server.publicKey)
  const P256 = { name: 'ECDH', namedCurve: 'P-256' }
  const theirs = await crypto.subtle.importKey('raw', serverPoint as BufferSource, P256, false, [])
  const mine = (await crypto.subtle.generateKey(P256, false, ['deriveBits'])) as CryptoKeyPair
  const myPoint = new Uint8Array(await crypto.subtle.exportKey('raw', mine.publicKey))
  const shared = await crypto.subtle.deriveBits({ name: 'ECDH', public: theirs }, mine.privateKey, 256)
  const hkdf = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey'])
  const salt = new Uint8Array([...myPoint, ...serverPoint])
  const key = await crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt, info: encoder.encode('palabre identity v2') }, hkdf,
    { name: 'AES-GCM', length: 256 }, false, ['encrypt'])
  const iv = random(12)
  const data = await crypto.subtle.encrypt({ ...aesGcm(iv), additionalData: encoder.encode(additionalData(server.id, binding)) }, key, encoder.encode(JSON.stringify(who)))
  return ['p256b', server.id, toBase64Url(myPoint), toBase64Url(iv), toBase64Url(new Uint8Array(data))].join('.')
}

/** additionalData is what AES-GCM authenticates with the name: the
 * scheme, the key's id and the binding, one a line (keystore.Binding). */
export function additionalData(keyId: string, b: Binding): string {
  return ['p256b', keyId, b.purpose, ...b.records, b.region].join('\n')
}

export function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s)
}

export function fromBase64(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0))
}

const toBase64Url = (bytes: Uint8Array) => toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
const fromBase64Url = (s: string) => fromBase64(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4))
