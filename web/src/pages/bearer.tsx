import type { ApiError } from '../api'
import { Field, describedBy, serverMessage } from '../forms'
import { t } from '../i18n'

// What a browser session may not do alone — create or revoke a token,
// erase a person, download a backup — the admin does by presenting their
// token again, for that one request: a device left signed in in the wrong
// hands must not be enough. The token is typed into a password field,
// sent with the request, then cleared; it is kept nowhere.

/** TokenField asks for the admin's token, saying why. */
export function TokenField(props: { id: string; value: string; onInput: (v: string) => void; why: string }) {
  return (
    <Field id={props.id} label={t('erase.token')} help={props.why}>
      <input id={props.id} type="password" autocomplete="off" value={props.value} aria-describedby={describedBy(props.id, undefined, props.why)} onInput={(e) => props.onInput(e.currentTarget.value)} />
    </Field>
  )
}

/** bearerRefusal says why a request with a presented token was refused,
 * in the reader's language, by the error's code. */
export function bearerRefusal(e: ApiError): string {
  switch (e.code) {
    case 'UNAUTHENTICATED':
      return t('erase.badToken')
    case 'FORBIDDEN':
      return t('erase.notAllowed')
  }
  return serverMessage(e)
}
