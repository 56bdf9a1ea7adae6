package jetstore

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"

	"github.com/palabre/palabre/events"
)

// JetStream's error codes an append branches on.
const (
	codeWrongLastSeq        = 10071 // the subject's last sequence differs: a lost race
	codeWrongLastSeqInFlux  = 10164 // another write to the subject is being decided
	codeDuplicateInProcess  = 10158 // the same message id is being written
	codeBatchIncomplete     = 10176 // the batch lost messages (a leader change)
	codeBatchHasDuplicate   = 10201 // the batch repeats a message id already written
	codeTooManyBatches      = 10210 // the stream has its fill of open batches: wait
	codeClusterNotAvailable = 10008
)

// maxAttempts bounds how often an append retries a lost race before it
// gives up as unavailable: each retry reads the stream again, so only a
// stream written without pause by others can exhaust it.
const maxAttempts = 200

// raceWindow bounds how long an append keeps retrying lost races, so that
// a stream written without pause by others ends in ErrUnavailable, not in
// a request that never answers.
const raceWindow = 10 * time.Second

type apiError struct {
	Code        int    `json:"code"`
	ErrCode     int    `json:"err_code"`
	Description string `json:"description"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("jetstream: %s (%d)", e.Description, e.ErrCode)
}

type pubAck struct {
	Seq       uint64    `json:"seq"`
	Duplicate bool      `json:"duplicate"`
	Error     *apiError `json:"error"`
}

// ackPrefix starts every acknowledgement of the events stream the server
// sends (its pubAck template, stream.go), before the sequence.
const ackPrefix = `{"stream":"` + EventsStream + `","seq":`

// readPubAck reads a publish's acknowledgement. A write's, the sequence
// then "}" or a batch's `,"batch":"ID","count":N}`, is read without
// encoding/json (2 % of the CPU of 64 writers' appends); anything else
// (a duplicate, an error) goes through it.
func readPubAck(data []byte) (pubAck, error) {
	if rest, ok := bytes.CutPrefix(data, []byte(ackPrefix)); ok {
		digits, rest := jsonDigits(rest)
		if seq, err := strconv.ParseUint(string(digits), 10, 64); err == nil && (string(rest) == "}" || isBatchTail(rest)) {
			return pubAck{Seq: seq}, nil
		}
	}
	var ack pubAck
	err := json.Unmarshal(data, &ack)
	return ack, err
}

// isBatchTail reports whether b is `,"batch":"ID","count":N}`, ID a nuid.
func isBatchTail(b []byte) bool {
	b, ok := bytes.CutPrefix(b, []byte(`,"batch":"`))
	if !ok {
		return false
	}
	i := 0
	for i < len(b) && (b[i] >= '0' && b[i] <= '9' || b[i] >= 'a' && b[i] <= 'z' || b[i] >= 'A' && b[i] <= 'Z') {
		i++
	}
	b, ok = bytes.CutPrefix(b[i:], []byte(`","count":`))
	if !ok {
		return false
	}
	digits, b := jsonDigits(b)
	return len(digits) > 0 && len(digits) < 20 && string(b) == "}"
}

// jsonDigits splits the digits b starts with from the rest; none when
// they are not a JSON number (a leading zero before other digits).
func jsonDigits(b []byte) (digits, rest []byte) {
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	if i > 1 && b[0] == '0' {
		return nil, b
	}
	return b[:i], b[i:]
}

// outcome is what a publish came to.
type outcome int

const (
	written   outcome = iota
	lostRace          // retry: read the stream again and decide
	duplicate         // the ids were written already: find where
)

// Append implements events.Store. Each attempt reads the stream's last
// event, checks expected against it, and publishes the events as one
// atomic batch conditional on that event still being the subject's last
// (Nats-Expected-Last-Subject-Sequence), each with its event id as its
// message id so that a retried write is recognised.
func (s *Store) Append(ctx context.Context, stream string, expected events.ExpectedRevision, evs ...events.EventData) (events.AppendResult, error) {
	return s.AppendRecorded(ctx, stream, expected, time.Time{}, evs...)
}

// AppendRecorded appends as Append does, but the events read back say
// they were recorded at at (when not zero; a header, Palabre-Recorded-At)
// rather than when JetStream stored them: a log restored from a backup
// keeps when each event was recorded, which views of the past go by.
func (s *Store) AppendRecorded(ctx context.Context, stream string, expected events.ExpectedRevision, at time.Time, evs ...events.EventData) (events.AppendResult, error) {
	if err := s.gate.EnterAppend(ctx, stream, expected, evs); err != nil {
		return events.AppendResult{}, err
	}
	defer s.gate.Leave()
	subject := eventSubject(stream)
	mayGuess := true // once a guess fails, only the leader's word
	deadline := time.Now().Add(raceWindow)
	for attempt := 0; attempt < maxAttempts && time.Now().Before(deadline); attempt++ {
		var last tail
		var exists, guessed bool
		if mayGuess {
			last, exists, guessed = s.tails.guess(subject, expected)
		}
		mayGuess = false
		if !guessed {
			var err error
			if last, exists, err = s.lastOf(ctx, subject); err != nil {
				return events.AppendResult{}, fmt.Errorf("append to %s: %w", stream, err)
			}
		}
		if !expected.Matches(last.rev, exists) {
			if guessed {
				s.tails.forget(subject) // decide on the leader's word, not a guess
				continue
			}
			return s.mismatch(ctx, stream, expected, evs, last, exists)
		}
		res, out, err := s.publish(ctx, subject, last, exists, at, evs)
		if err != nil {
			s.tails.forget(subject)
			return events.AppendResult{}, fmt.Errorf("append to %s: %w", stream, err)
		}
		if out != written {
			s.tails.forget(subject)
		}
		switch out {
		case written:
			s.tails.remember(subject, tail{rev: res.NextExpected, seq: res.Position.Commit})
			return res, nil
		case lostRace:
			if guessed {
				continue // the guess was stale: no one to wait for
			}
		case duplicate:
			if res, ok, err := s.alreadyAppended(ctx, stream, expected, evs); err != nil || ok {
				return res, err
			}
		}
		if err := pause(ctx, attempt); err != nil {
			return events.AppendResult{}, err
		}
	}
	return events.AppendResult{}, unreachable("append to "+stream, false, errors.New("too many concurrent writers on one stream"))
}

// pause backs off a little more on each lost race, so that writers that
// collided do not collide again in step.
func pause(ctx context.Context, attempt int) error {
	if attempt == 0 {
		return ctx.Err()
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Duration(min(attempt, 20)) * time.Millisecond):
		return nil
	}
}

// mismatch answers an append whose expectation the stream does not meet:
// the retry of an append already written succeeds, anything else is a
// wrong expected revision.
func (s *Store) mismatch(ctx context.Context, stream string, expected events.ExpectedRevision, evs []events.EventData, last tail, exists bool) (events.AppendResult, error) {
	if exists { // last is the leader's word: no need to ask again
		res, ok, err := s.appendedBy(ctx, stream, expected, evs, last)
		if err != nil || ok {
			return res, err
		}
	}
	return events.AppendResult{}, &events.WrongExpectedRevisionError{Stream: stream, Expected: expected, Actual: events.CurrentRevision(last.rev, exists)}
}

// alreadyAppended reports whether evs are in stream, in order, where an
// append at expected would have put them (anywhere, for Any and
// StreamExists), and if so what that append returned.
func (s *Store) alreadyAppended(ctx context.Context, stream string, expected events.ExpectedRevision, evs []events.EventData) (events.AppendResult, bool, error) {
	last, exists, err := s.lastOf(ctx, eventSubject(stream))
	if err != nil || !exists {
		return events.AppendResult{}, false, err
	}
	return s.appendedBy(ctx, stream, expected, evs, last)
}

// appendedBy is alreadyAppended once the stream's last event is known.
func (s *Store) appendedBy(ctx context.Context, stream string, expected events.ExpectedRevision, evs []events.EventData, last tail) (events.AppendResult, bool, error) {
	subject := eventSubject(stream)
	// Exact and NoStream say where the events must be; Any and
	// StreamExists do not, so the stream is searched for the first id.
	var from events.Revision
	anywhere := false
	switch e := expected.(type) {
	case events.NoStream:
	case events.Exact:
		from = events.Revision(e) + 1
	case events.Any, events.StreamExists:
		anywhere = true
	}
	if from+events.Revision(len(evs))-1 > last.rev {
		return events.AppendResult{}, false, nil
	}
	var found []events.RecordedEvent
	err := s.readRange(ctx, subject, from, last.rev, last, func(e events.RecordedEvent) bool {
		if len(found) == 0 && e.ID != evs[0].ID {
			return anywhere
		}
		found = append(found, e)
		return len(found) < len(evs)
	})
	if err != nil || len(found) != len(evs) {
		return events.AppendResult{}, false, err
	}
	for i, e := range found {
		if e.ID != evs[i].ID {
			return events.AppendResult{}, false, nil
		}
	}
	end := found[len(found)-1]
	return events.AppendResult{NextExpected: end.Revision, Position: end.Position}, true, nil
}

// publish writes evs after last, conditional on last still being the
// subject's last message: a single message for one event, an atomic
// batch (Nats-Batch-Id, -Sequence, -Commit) for more.
func (s *Store) publish(ctx context.Context, subject string, last tail, exists bool, at time.Time, evs []events.EventData) (events.AppendResult, outcome, error) {
	next, lastSeq := events.Revision(0), uint64(0)
	if exists {
		next, lastSeq = last.rev+1, last.seq
	}
	batchID := ""
	if len(evs) > 1 {
		batchID = nuid.Next()
	}
	var reply *nats.Msg
	for i, e := range evs {
		msg := nats.NewMsg(subject)
		msg.Header.Set(jetstream.MsgIDHeader, hex.EncodeToString(e.ID[:]))
		msg.Header.Set(revisionHeader, strconv.FormatUint(uint64(next)+uint64(i), 10))
		if !at.IsZero() {
			msg.Header.Set(recordedAtHeader, at.UTC().Format(time.RFC3339Nano))
		}
		if i == 0 {
			msg.Header.Set(jetstream.ExpectedLastSubjSeqHeader, strconv.FormatUint(lastSeq, 10))
		}
		if batchID != "" {
			msg.Header.Set("Nats-Batch-Id", batchID)
			msg.Header.Set("Nats-Batch-Sequence", strconv.Itoa(i+1))
		}
		msg.Data = encodeBody(e.Type, e.Data, e.Metadata)
		if i < len(evs)-1 {
			// The batch is staged by the stream's leader in order; only its
			// commit is answered.
			if err := s.nc.PublishMsg(msg); err != nil {
				return events.AppendResult{}, 0, translate(ctx, "publish", false, err)
			}
			continue
		}
		if batchID != "" {
			msg.Header.Set("Nats-Batch-Commit", "1")
		}
		callCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		var err error
		reply, err = s.nc.RequestMsgWithContext(callCtx, msg)
		cancel()
		if err != nil {
			return events.AppendResult{}, 0, translate(ctx, "publish", true, err)
		}
	}
	return s.acknowledged(ctx, reply, next+events.Revision(len(evs)-1))
}

// acknowledged reads the answer to an append's last message.
func (s *Store) acknowledged(ctx context.Context, reply *nats.Msg, lastRev events.Revision) (events.AppendResult, outcome, error) {
	if reply.Header.Get("Status") == "503" {
		return events.AppendResult{}, 0, unreachable("publish", false, nats.ErrNoResponders)
	}
	ack, err := readPubAck(reply.Data)
	if err != nil {
		return events.AppendResult{}, 0, fmt.Errorf("publish: unreadable acknowledgement %q: %w", reply.Data, err)
	}
	if ack.Error == nil {
		if ack.Duplicate {
			return events.AppendResult{}, duplicate, nil
		}
		return events.AppendResult{NextExpected: lastRev, Position: events.Position{Commit: ack.Seq, Prepare: ack.Seq}}, written, nil
	}
	switch ack.Error.ErrCode {
	case codeWrongLastSeq, codeWrongLastSeqInFlux, codeDuplicateInProcess, codeBatchIncomplete, codeTooManyBatches:
		return events.AppendResult{}, lostRace, nil
	case codeBatchHasDuplicate:
		return events.AppendResult{}, duplicate, nil
	case codeClusterNotAvailable:
		return events.AppendResult{}, 0, unreachable("publish", false, ack.Error)
	}
	return events.AppendResult{}, 0, fmt.Errorf("publish: %w", ack.Error)
}
