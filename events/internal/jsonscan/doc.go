// Package jsonscan is a small JSON reader for hand-written decoders of what
// makes up most of the log: the most frequent events and every event's
// envelope (events.Metadata). It handles the plain JSON palabre writes and
// gives up (Failed) on anything else — escapes, nulls, floats, unknown
// keys — so that the caller falls back to the reflective decoder and the
// result never differs from it.
package jsonscan
