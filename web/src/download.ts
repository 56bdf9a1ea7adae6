import { request } from './api'

// Downloads an export or a backup: a request of the session's (a plain
// link would carry the cookie without the CSRF header), saved under a name.
export async function download(path: string, name: string): Promise<void> {
  const res = await request(path)
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
