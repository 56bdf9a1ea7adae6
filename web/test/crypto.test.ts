import { describe, expect, it } from 'vitest'
import { additionalData, newVault, openVault, scryptParams, seal, sealForServer, unseal, type Binding } from '../src/crypto'
import { server } from './server'

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

describe('a name sealed for the server', () => {
  const enrolment: Binding = { purpose: 'EnrolParticipant', records: ['01KBGZ2D6JQ6X2V8Y3N0H5T7AB'], region: 'gao' }

  it('opens with the server’s private key only', async () => {
    const s = await server()
    const who = { name: 'Aminata Canari', phone: '+223 555' }
    const envelope = await sealForServer(s.key, enrolment, who)
    expect(envelope).not.toContain('Aminata')
    expect(envelope).not.toContain(btoa('Aminata').slice(0, 8))
    expect(await s.open(envelope, enrolment)).toEqual(who)
    const other = await server()
    await expect(other.open(envelope, enrolment)).rejects.toThrow()
  })

  it('opens only for the command it was sealed for: not another person, region or use', async () => {
    const s = await server()
    const envelope = await sealForServer(s.key, enrolment, { name: 'Aminata Canari' })
    for (const elsewhere of [
      { ...enrolment, records: ['01KBGZ2D6JQ6X2V8Y3N0H5T7AC'] },
      { ...enrolment, region: 'mopti' },
      { ...enrolment, purpose: 'CorrectParticipant' as const },
      { purpose: 'RequestSubstantiation' as const, records: [...enrolment.records, '01KBGZ2D6JQ6X2V8Y3N0H5T7AC'], region: '' },
    ]) {
      await expect(s.open(envelope, elsewhere)).rejects.toThrow()
    }
  })

  it('authenticates the binding as the server rebuilds it (keystore.Binding)', () => {
    expect(additionalData('k1', enrolment)).toBe('p256b\nk1\nEnrolParticipant\n01KBGZ2D6JQ6X2V8Y3N0H5T7AB\ngao')
    expect(additionalData('k1', { purpose: 'RequestSubstantiation', records: ['O1', 'R1'], region: '' })).toBe('p256b\nk1\nRequestSubstantiation\nO1\nR1\n')
  })

  it('differs every time, and names the scheme and the key it was sealed for', async () => {
    const s = await server()
    const a = await sealForServer(s.key, enrolment, { name: 'X' })
    const b = await sealForServer(s.key, enrolment, { name: 'X' })
    expect(a).not.toBe(b)
    expect(a.startsWith('p256b.test-key.')).toBe(true)
  })

  it('refuses a key of a scheme it does not know, and a region that would read as another binding', async () => {
    const s = await server()
    await expect(sealForServer({ ...s.key, algorithm: 'x25519' }, enrolment, { name: 'X' })).rejects.toThrow()
    await expect(sealForServer(s.key, { ...enrolment, region: 'gao\nx' }, { name: 'X' })).rejects.toThrow()
  })
})
