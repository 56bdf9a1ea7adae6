import { Offline, errorsOf, request, type ApiError } from './api'
import { t } from './i18n'

/** Refused is a download the server refused, with its reason (code and
 * field), for the page to tell in the reader's language. */
export class Refused extends Error {
  constructor(readonly error: ApiError) {
    super(error.message)
  }
}

// Downloads an export or a backup: a request of the session's (a plain
// link would carry the cookie without the CSRF header), or of a token
// presented for it (bearer: a backup, which a session may not ask),
// saved under a name. Throws Refused with the server's reason, or Offline.
export async function download(path: string, name: string, bearer?: string): Promise<void> {
  const res = await request(path, bearer ? { credentials: 'omit', headers: { Authorization: `Bearer ${bearer.trim()}` } } : {})
  if (!res.ok) {
    const body = await res.json().catch(() => ({}))
    throw new Refused(errorsOf(body)[0] ?? { code: 'INTERNAL', message: `HTTP ${res.status}` })
  }
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** downloadFailed says why a download was not made, in the reader's
 * language: the server's refusal as the page tells it, or offline. */
export function downloadFailed(e: unknown, refusal: (error: ApiError) => string): string {
  const why = e instanceof Refused ? refusal(e.error) : e instanceof Offline ? t('status.offline') : String(e)
  return t('dashboard.exportFailed', { why })
}
