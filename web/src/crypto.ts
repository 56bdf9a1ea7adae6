// Names and phones never rest in clear on the device. Those waiting in
// the outbox are sealed with AES-GCM under a key derived from a PIN the
// facilitator chooses (PBKDF2-SHA-256, 600,000 iterations, a random salt
// kept on the device). The key is not extractable and lives in memory
// only: a closed tab, a restarted laptop or a seized disk hold ciphertext.

export const pbkdf2Iterations = 600_000

/** Sealed is AES-GCM ciphertext and its nonce, both base64. */
export interface Sealed {
  iv: string
  data: string
}

const encoder = new TextEncoder()

export function newSalt(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(16))
}

export async function deriveKey(pin: string, salt: Uint8Array, iterations = pbkdf2Iterations): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(pin), 'PBKDF2', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

export async function seal(key: CryptoKey, value: unknown): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, encoder.encode(JSON.stringify(value)))
  return { iv: toBase64(iv), data: toBase64(new Uint8Array(data)) }
}

/** unseal throws when the key is not the one that sealed (a wrong PIN). */
export async function unseal<T>(key: CryptoKey, sealed: Sealed): Promise<T> {
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(sealed.iv) as BufferSource }, key, fromBase64(sealed.data) as BufferSource)
  return JSON.parse(new TextDecoder().decode(plain)) as T
}

export function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s)
}

export function fromBase64(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0))
}
