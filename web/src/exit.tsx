import { signOut } from './api'
import { t } from './i18n'
import { leave, wipeDevice } from './wipe'

// The quick exit: one button, on every screen, that wipes the device and
// leaves for a blank page (see wipe.ts).

export async function quickExit(): Promise<void> {
  await wipeDevice(signOut)
  leave()
}

export function QuickExit() {
  return (
    <button type="button" class="quick-exit" title={t('exit.help')} onClick={() => void quickExit()}>
      {t('exit.quick')}
    </button>
  )
}
