import { useState } from 'preact/hooks'
import { useApp } from '../app'
import type { OutboxItem } from '../db'
import { focusFirstProblem } from '../forms'
import { t } from '../i18n'
import type { Command } from '../outbox'
import { ulid } from '../ulid'

// A results framework's writes go through the outbox, as every write
// does; online, the form waits for the answer, so a refusal is told beside
// the field it names and the form sends its correction under the same
// commandId. Offline, the command waits and the outbox tells its fate.

/** frameworkCommand is a framework's command; a definition's commandId
 * is the new framework's id. */
export function frameworkCommand(mutation: string, inputType: string, frameworkId: string, input: unknown, summary: string): Command {
  const creates = mutation === 'defineFramework'
  const idArg = creates ? '' : ', $id: ID!'
  return {
    mutation, objectId: frameworkId, refersTo: creates ? [] : [frameworkId], summary: summary.slice(0, 60),
    document: `mutation Framework($commandId: ID!${idArg}, $input: ${inputType}!) { ${mutation}(commandId: $commandId${creates ? '' : ', id: $id'}, input: $input) { id } }`,
    variables: { commandId: creates ? frameworkId : ulid(), ...(creates ? {} : { id: frameworkId }), input },
  }
}

/** useFrameworkSend sends a form's command and says what became of it:
 * saved is the confirmation to show, error the server's refusal (kept
 * from the outbox item being fixed, if any). */
export function useFrameworkSend(fixing?: OutboxItem) {
  const app = useApp()
  const [refused, setRefused] = useState<OutboxItem | undefined>(fixing)
  const [saved, setSaved] = useState('')
  const send = async (cmd: Command, done: string): Promise<boolean> => {
    setSaved('')
    let seq = refused?.seq
    if (seq !== undefined) await app.outbox.replace(seq, cmd)
    else seq = (await app.outbox.add(cmd)).seq!
    await app.drain()
    const after = await app.outbox.get(seq)
    if (after?.state === 'refused') {
      setRefused(after)
      focusFirstProblem()
      return false
    }
    setRefused(undefined)
    setSaved(after?.state === 'sent' ? done : t('action.saved'))
    return true
  }
  return { send, error: refused?.error, saved }
}
