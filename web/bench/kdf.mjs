// Guesses per second against the PIN-protected part of a device: one
// guess is one scrypt at the app's parameters (src/crypto.ts), then an
// AES-GCM unwrap (negligible). Node's scrypt is OpenSSL's, native: what
// an attacker with this CPU runs. @noble/hashes is what the app runs in
// the browser: what unlocking costs the facilitator.
//
//   cd web && node bench/kdf.mjs [ROUNDS]
import { scryptSync } from 'node:crypto'
import { cpus, loadavg } from 'node:os'
import { scrypt } from '@noble/hashes/scrypt.js'

const params = { N: 2 ** 17, r: 8, p: 1 }
const rounds = Number(process.argv[2] ?? 5)
const salt = new Uint8Array(16)
const memory = 128 * params.r * params.N

function best(f) {
  let min = Infinity
  for (let i = 0; i < rounds; i++) {
    const t0 = process.hrtime.bigint()
    f(i)
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e9)
  }
  return min
}

const native = best((i) => scryptSync('13579' + i, salt, 32, { ...params, maxmem: 2 * memory }))
const noble = best((i) => scrypt('13579' + i, salt, { ...params, dkLen: 32 }))
// A GPU's upper bound: each guess writes and reads the whole scratchpad
// (2 × 128 MiB), so memory bandwidth caps the rate (RTX 4090: 1,008 GB/s).
const gpu = 1008e9 / (2 * memory)
const pins = (digits) => 10 ** digits
console.log(JSON.stringify({
  cpu: cpus()[0].model, cores: cpus().length, load: loadavg().map((l) => l.toFixed(1)).join(' '), node: process.version,
  params, memoryMiB: memory / 2 ** 20, rounds,
  nativeSecondsPerGuess: native.toFixed(3), nativeGuessesPerSecondPerCore: (1 / native).toFixed(2),
  nobleSecondsPerUnlock: noble.toFixed(3),
  gpuGuessesPerSecondAtMost: Math.round(gpu),
  everyPin: Object.fromEntries([6, 8, 10].map((d) => [d + ' digits', { cpuCoreDays: (pins(d) * native / 86400).toFixed(1), gpuHours: (pins(d) / gpu / 3600).toFixed(2) }])),
}, null, 1))
