import { Offline } from './api'

// Downloads an export or a backup: a fetch with the session's CSRF header
// (a plain link would carry the cookie only), saved under a name.
export async function download(path: string, name: string): Promise<void> {
  let res: Response
  try {
    res = await fetch(path, { credentials: 'same-origin', headers: { 'X-Palabre-Csrf': '1' } })
  } catch {
    throw new Offline('offline')
  }
  if (!res.ok) throw new Error(`HTTP ${res.status}`)
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
