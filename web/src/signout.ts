import { Offline, Revoked, signOut } from './api'
import { forget, pendingSignOut, type Store } from './db'

// A sign-out is never lost. The session's cookie is HttpOnly: only the
// server can end it, and offline it cannot. So signing out forgets the
// session on the device at once and remembers (nothing sensitive: a date)
// that the server must still end it. While that is pending the app opens
// on the sign-in page, never on the PIN, and sends nothing; the first
// moment it is online, before any other request, it ends the session.

/** beginSignOut forgets the session on the device and remembers that the
 * server must end it; then tries to, at once. */
export async function beginSignOut(db: Store): Promise<void> {
  await forget(db)
  await endPendingSignOut(db)
}

/** signOutPending says whether a sign-out waits for the server. */
export async function signOutPending(db: Store): Promise<boolean> {
  return (await db.get('meta', pendingSignOut)) !== undefined
}

/** endPendingSignOut ends on the server the session a sign-out left, if
 * one did: true once none is pending, false when the server could not be
 * reached (the sign-out stays pending). */
export async function endPendingSignOut(db: Store): Promise<boolean> {
  if (!(await signOutPending(db))) return true
  try {
    await signOut()
  } catch (e) {
    if (e instanceof Offline) return false
    if (e instanceof Revoked) return true // the device is being wiped
    throw e
  }
  await db.delete('meta', pendingSignOut)
  return true
}
