import { useEffect, useState } from 'preact/hooks'
import { Offline, signIn, type Session } from '../api'
import { t } from '../i18n'
import { QuickExit } from '../exit'
import type { Outbox } from '../outbox'

// The sign-in page. beforeSignIn ends on the server a session whose
// sign-out was made offline (false: it could not, and nobody signs in
// before it has). Work left unsent on the device is said here: it goes
// only under the token that made it.
export function SignIn({ online, outbox, beforeSignIn, onSignedIn }: { online: boolean; outbox: Outbox; beforeSignIn: () => Promise<boolean>; onSignedIn: (s: Session) => void }) {
  const [token, setToken] = useState('')
  const [error, setError] = useState('')
  const [unsent, setUnsent] = useState(0)
  useEffect(() => void outbox.count().then(setUnsent), [outbox])
  const submit = async (e: Event) => {
    e.preventDefault()
    setError('')
    try {
      if (!(await beforeSignIn())) throw new Offline('the sign-out is not ended yet')
      const answer = await signIn(token.trim())
      // Paced out, the server says for how long, in the interface's language.
      if ('code' in answer) setError(answer.code === 'RATE_LIMITED' ? answer.message : t('signIn.invalid'))
      else onSignedIn(answer)
    } catch (err) {
      if (err instanceof Offline) setError(t('signIn.offline'))
      else throw err
    }
  }
  return (
    <main>
      <form autoComplete="off" class="card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t('signIn.title')}</h1>
        <p>{t('app.tagline')}</p>
        {unsent > 0 && (
          <p class="notice state-waiting" role="status">
            {t('signIn.unsent', { n: unsent })}
          </p>
        )}
        <label for="token">{t('signIn.token')}</label>
        <input id="token" type="password" autoComplete="off" value={token} onInput={(e) => setToken(e.currentTarget.value)} aria-describedby="token-help token-error" required />
        <p id="token-help" class="help">
          {t('signIn.tokenHelp')}
        </p>
        <p id="token-error" class="error" role="alert">
          {error || (!online ? t('signIn.offline') : '')}
        </p>
        <button type="submit">{t('signIn.submit')}</button>
      </form>
      <QuickExit />
    </main>
  )
}
