import { describe, expect, it } from 'vitest'
import { deriveKey, newSalt, pbkdf2Iterations, seal, unseal } from '../src/crypto'

describe('sealing', () => {
  it('derives its key with at least 600,000 PBKDF2 iterations', () => {
    expect(pbkdf2Iterations).toBeGreaterThanOrEqual(600_000)
  })
  it('opens with the same PIN and salt only', async () => {
    const salt = newSalt()
    const key = await deriveKey('246810', salt, 1000)
    const sealed = await seal(key, { name: 'Fatoumata' })
    expect(JSON.stringify(sealed)).not.toContain('Fatoumata')
    expect(await unseal(await deriveKey('246810', salt, 1000), sealed)).toEqual({ name: 'Fatoumata' })
    await expect(unseal(await deriveKey('246811', salt, 1000), sealed)).rejects.toThrow()
    await expect(unseal(await deriveKey('246810', newSalt(), 1000), sealed)).rejects.toThrow()
  })
  it('never seals the same value the same way twice', async () => {
    const key = await deriveKey('246810', newSalt(), 1000)
    const a = await seal(key, 'x')
    const b = await seal(key, 'x')
    expect(a.iv).not.toBe(b.iv)
    expect(a.data).not.toBe(b.data)
  })
})
