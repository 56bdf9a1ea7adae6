import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { useApp } from '../app'
import { deriveKey, newSalt, seal, toBase64, fromBase64, unseal, type Sealed } from '../crypto'
import { t } from '../i18n'

// The PIN guards the names and phones waiting on the device. Its salt and
// a sealed check value are kept (to tell a wrong PIN); the PIN and the key
// are not.

interface PinRecord {
  salt: string
  check: Sealed
}

const checkValue = 'palabre'

export function PinGate({ children }: { children: () => ComponentChildren }) {
  const app = useApp()
  if (app.key) return <>{children()}</>
  return <PinForm />
}

export function PinForm() {
  const app = useApp()
  const [record, setRecord] = useState<PinRecord | null | undefined>(undefined)
  const [pin, setPin] = useState('')
  const [again, setAgain] = useState('')
  const [error, setError] = useState('')
  const [working, setWorking] = useState(false)
  if (record === undefined) {
    void app.db.get('meta', 'pin').then((r) => setRecord((r as PinRecord | undefined) ?? null))
    return null
  }
  const choosing = record === null
  const submit = async (e: Event) => {
    e.preventDefault()
    setError('')
    if (pin.length < 6) return setError(t('pin.tooShort'))
    if (choosing && pin !== again) return setError(t('pin.mismatch'))
    setWorking(true)
    try {
      if (choosing) {
        const salt = newSalt()
        const key = await deriveKey(pin, salt)
        await app.db.put('meta', { salt: toBase64(salt), check: await seal(key, checkValue) } satisfies PinRecord, 'pin')
        app.setKey(key)
      } else {
        const key = await deriveKey(pin, fromBase64(record.salt))
        const ok = await unseal<string>(key, record.check).then((v) => v === checkValue, () => false)
        if (!ok) return setError(t('pin.wrong'))
        app.setKey(key)
      }
    } finally {
      setWorking(false)
    }
  }
  return (
    <form class="card" onSubmit={submit} aria-labelledby="pin-title">
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
      <button type="submit" disabled={working}>
        {working ? t('pin.working') : choosing ? t('pin.set') : t('pin.unlock')}
      </button>
    </form>
  )
}
