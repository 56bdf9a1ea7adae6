// ULIDs made on the device: every command's commandId, and the id of
// every object created offline, so that a dialogue logged offline can
// name a participant enrolled offline before either reaches the server.

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ' // Crockford's base 32

export function ulid(now = Date.now()): string {
  let time = ''
  for (let i = 0, t = now; i < 10; i++, t = Math.floor(t / 32)) {
    time = alphabet[t % 32] + time
  }
  const random = crypto.getRandomValues(new Uint8Array(16))
  let rest = ''
  for (let i = 0; i < 16; i++) {
    rest += alphabet[random[i] % 32]
  }
  return time + rest
}
