import { useState } from 'preact/hooks'
import type { Store } from '../db'
import { newVault, openVault, type Vault } from '../crypto'
import { t } from '../i18n'
import { QuickExit } from '../exit'

// The PIN opens what the app keeps on the device (see crypto.ts). What is
// kept of it: the data key wrapped under scrypt of the PIN, and how many
// wrong PINs were typed since the last right one; at maxFailures, the
// device's palabre data is wiped.

export interface PinRecord {
  vault: Vault
  failures: number
}

/** minLength: a 6-digit PIN falls to one GPU in minutes, an 8-digit one
 * in hours (docs/SECURITY.md). */
export const minLength = 8

/** maxFailures wrong PINs in a row wipe the device. The count is on the
 * device: it stops guessing in the app, and scrypt guessing elsewhere. */
export const maxFailures = 5

/** unlock checks a PIN: the data key, or how many tries are left (0: the
 * caller wipes). */
export async function unlock(db: Store, pin: string): Promise<CryptoKey | { left: number }> {
  const record = (await db.get('meta', 'pin')) as PinRecord
  try {
    const key = await openVault(pin, record.vault)
    if (record.failures > 0) await db.put('meta', { ...record, failures: 0 }, 'pin')
    return key
  } catch {
    const failures = record.failures + 1
    await db.put('meta', { ...record, failures }, 'pin')
    return { left: Math.max(0, maxFailures - failures) }
  }
}

/** choosePin makes the data key and keeps it wrapped under the PIN. */
export async function choosePin(db: Store, pin: string): Promise<CryptoKey> {
  const { vault, key } = await newVault(pin)
  await db.put('meta', { vault, failures: 0 } satisfies PinRecord, 'pin')
  return key
}

export function PinForm({ db, onKey, onLockout }: { db: Store; onKey: (k: CryptoKey) => void; onLockout: () => void }) {
  const [choosing, setChoosing] = useState<boolean>()
  const [pin, setPin] = useState('')
  const [again, setAgain] = useState('')
  const [error, setError] = useState('')
  const [working, setWorking] = useState(false)
  if (choosing === undefined) {
    void db.get('meta', 'pin').then((r) => setChoosing(!r))
    return null
  }
  const submit = async (e: Event) => {
    e.preventDefault()
    setError('')
    if (choosing && pin.length < minLength) return setError(t('pin.tooShort', { n: minLength }))
    if (choosing && pin !== again) return setError(t('pin.mismatch'))
    setWorking(true)
    try {
      if (choosing) return onKey(await choosePin(db, pin))
      const opened = await unlock(db, pin)
      if (opened instanceof CryptoKey) return onKey(opened)
      if (opened.left === 0) return onLockout()
      setPin('')
      setError(t('pin.wrong', { left: opened.left }))
    } finally {
      setWorking(false)
    }
  }
  return (
    <main>
      <form autoComplete="off" class="card" onSubmit={submit} aria-labelledby="pin-title">
        <h1 id="pin-title">{t('pin.title')}</h1>
        <p>{t('pin.explain')}</p>
        <label for="pin">{choosing ? t('pin.choose') : t('pin.enter')}</label>
        <input id="pin" type="password" inputMode="numeric" autoComplete="off" value={pin} onInput={(e) => setPin(e.currentTarget.value)} aria-describedby="pin-error" />
        {choosing && (
          <>
            <label for="pin-again">{t('pin.confirm')}</label>
            <input id="pin-again" type="password" inputMode="numeric" autoComplete="off" value={again} onInput={(e) => setAgain(e.currentTarget.value)} />
          </>
        )}
        <p id="pin-error" class="error" role="alert">
          {error}
        </p>
        <button type="submit" class="primary" disabled={working}>
          {working ? t('pin.working') : choosing ? t('pin.set') : t('pin.unlock')}
        </button>
        {!choosing && <p class="help">{t('pin.forgotten')}</p>}
      </form>
      <QuickExit />
    </main>
  )
}
