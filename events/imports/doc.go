// Package imports turns the exports field teams already have —
// KoboToolbox and ODK Central submissions of the form palabre ships,
// registers, and other forms through a mapping — into commands,
// idempotently: a submission's ids derive from what the servers keep
// through edits and download options (Kobo's meta/rootUuid and _id,
// Central's KEY), so importing the same file twice, the same submissions
// through another download option, or an overlapping later export, adds
// nothing twice, and an edited submission corrects what its first version
// made. A submission is a dialogue, its commitments and the enrolments of
// its newcomers, written whole or not at all, in the order the
// submissions were made; every row is reported: imported, corrected,
// already there, or refused with its row, the export's own column and the
// reason, in French or English.
//
// # Caveats
//
//   - Kobo's CSV holds no repeats and is refused whole; so is an export
//     with labels for headers (see exportRefused).
//   - Kobo does not number its versions: an edit never imported, older
//     than one imported since, corrects the dialogue back to it (a
//     version is applied once). Central's are ordered by their Edits
//     count, up to 20 edits apart.
//   - A submission named by Kobo's _id (an older Kobo without rootUuid)
//     and then exported by Central is two dialogues.
package imports
