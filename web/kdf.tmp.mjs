import { scrypt, scryptAsync } from '@noble/hashes/scrypt.js'
const salt = new Uint8Array(16)
for (const N of [2**16, 2**17]) {
  let t0 = performance.now(); scrypt('135790', salt, { N, r: 8, p: 1, dkLen: 32 }); const s = performance.now() - t0
  t0 = performance.now(); await scryptAsync('135790', salt, { N, r: 8, p: 1, dkLen: 32 }); const a = performance.now() - t0
  t0 = performance.now(); await scryptAsync('135790', salt, { N, r: 8, p: 1, dkLen: 32, asyncTick: 100 }); const a2 = performance.now() - t0
  console.log(N, 'sync', s.toFixed(0), 'async', a.toFixed(0), 'async tick100', a2.toFixed(0))
}
