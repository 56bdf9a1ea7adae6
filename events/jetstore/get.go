package jetstore

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/palabre/palabre/events"
)

// revisionHeader carries an event's revision in its palabre stream, so
// that Exact(rev) can be checked against the subject's last message.
const revisionHeader = "Palabre-Revision"

// recordedAtHeader says when an event copied from a backup was first
// recorded (AppendRecorded); without it, JetStream's time stamp says.
const recordedAtHeader = "Palabre-Recorded-At"

// getRequest is JetStream's direct get request.
type getRequest struct {
	Seq     uint64 `json:"seq,omitempty"`
	LastFor string `json:"last_by_subj,omitempty"`
	NextFor string `json:"next_by_subj,omitempty"`
	Batch   int    `json:"batch,omitempty"`
}

// stored is a message as a direct get returns it.
type stored struct {
	subject string
	seq     uint64
	time    time.Time
	header  nats.Header
	body    []byte
}

func (m stored) revision() (events.Revision, error) {
	r, err := strconv.ParseUint(m.header.Get(revisionHeader), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: message %d has no revision", errBadBody, m.seq)
	}
	return events.Revision(r), nil
}

// recorded decodes an event message.
func recorded(m stored) (events.RecordedEvent, error) {
	stream, err := streamOfSubject(m.subject)
	if err != nil {
		return events.RecordedEvent{}, err
	}
	rev, err := m.revision()
	if err != nil {
		return events.RecordedEvent{}, err
	}
	var id events.ID
	if raw, err := hex.DecodeString(m.header.Get(jetstream.MsgIDHeader)); err != nil || len(raw) != len(id) {
		return events.RecordedEvent{}, fmt.Errorf("%w: message %d has no event id", errBadBody, m.seq)
	} else {
		copy(id[:], raw)
	}
	typ, data, md, err := decodeBody(m.body)
	if err != nil {
		return events.RecordedEvent{}, fmt.Errorf("message %d: %w", m.seq, err)
	}
	recordedAt := m.time
	if h := m.header.Get(recordedAtHeader); h != "" {
		if recordedAt, err = time.Parse(time.RFC3339Nano, h); err != nil {
			return events.RecordedEvent{}, fmt.Errorf("%w: message %d: %s: %w", errBadBody, m.seq, recordedAtHeader, err)
		}
	}
	return events.RecordedEvent{
		EventData: events.EventData{ID: id, Type: typ, Data: data, Metadata: md},
		Stream:    stream, Revision: rev,
		Position:   events.Position{Commit: m.seq, Prepare: m.seq},
		RecordedAt: recordedAt,
	}, nil
}

func storedFrom(msg *nats.Msg) (stored, error) {
	seq, err := strconv.ParseUint(msg.Header.Get(jetstream.SequenceHeader), 10, 64)
	if err != nil {
		return stored{}, fmt.Errorf("direct get: no sequence in %v", msg.Header)
	}
	ts, err := time.Parse(time.RFC3339Nano, msg.Header.Get(jetstream.TimeStampHeaer))
	if err != nil {
		return stored{}, fmt.Errorf("direct get: bad time stamp: %w", err)
	}
	return stored{subject: msg.Header.Get(jetstream.SubjectHeader), seq: seq, time: ts.UTC(), header: msg.Header, body: msg.Data}, nil
}

func (s *Store) directSubject() string { return "$JS.API.DIRECT.GET." + s.name }

// leaderAnswer is the stream leader's answer to a message get.
type leaderAnswer struct {
	Message *struct {
		Subject string    `json:"subject"`
		Seq     uint64    `json:"seq"`
		Header  []byte    `json:"hdrs"`
		Data    []byte    `json:"data"`
		Time    time.Time `json:"time"`
	} `json:"message"`
	Error *apiError `json:"error"`
}

// codeNoMessage: the leader has no message matching a get.
const codeNoMessage = 10037

// leaderGet asks the stream's leader for one message; found is false when
// there is none. The leader has applied every acknowledged write, so what
// it answers is never older than a write this process saw acknowledged:
// appends decide on it, and reads learn from it where the stream ends.
func (s *Store) leaderGet(ctx context.Context, req getRequest) (m stored, found bool, err error) {
	// A read is safe to repeat: a leader being elected (a node died, or
	// the cluster is starting on a busy machine) is waited for, up to
	// leaderWait, before the call says the store is unavailable.
	deadline := time.Now().Add(leaderWait)
	for {
		m, found, err = s.leaderGetOnce(ctx, req)
		if !errors.Is(err, events.ErrUnavailable) || time.Now().After(deadline) || ctx.Err() != nil {
			return m, found, err
		}
		select {
		case <-ctx.Done():
			return m, found, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// leaderWait bounds how long a read waits for the stream to have a leader.
const leaderWait = 15 * time.Second

func (s *Store) leaderGetOnce(ctx context.Context, req getRequest) (m stored, found bool, err error) {
	payload, _ := json.Marshal(req) // a struct of strings and numbers
	callCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	msg, err := s.nc.RequestWithContext(callCtx, "$JS.API.STREAM.MSG.GET."+s.name, payload)
	if err != nil {
		return stored{}, false, translate(ctx, "get", false, err)
	}
	var answer leaderAnswer
	if err := json.Unmarshal(msg.Data, &answer); err != nil {
		return stored{}, false, fmt.Errorf("get %+v: unreadable answer: %w", req, err)
	}
	switch {
	case answer.Error != nil && answer.Error.ErrCode == codeNoMessage:
		return stored{}, false, nil
	case answer.Error != nil && answer.Error.ErrCode == codeClusterNotAvailable:
		return stored{}, false, unreachable("get", false, answer.Error)
	case answer.Error != nil:
		return stored{}, false, fmt.Errorf("get %+v: %w", req, answer.Error)
	case answer.Message == nil:
		return stored{}, false, fmt.Errorf("get %+v: an answer without a message", req)
	}
	a := answer.Message
	header := nats.Header{}
	if len(a.Header) > 0 {
		if header, err = nats.DecodeHeadersMsg(a.Header); err != nil {
			return stored{}, false, fmt.Errorf("get %+v: headers: %w", req, err)
		}
	}
	return stored{subject: a.Subject, seq: a.Seq, time: a.Time.UTC(), header: header, body: a.Data}, true, nil
}

// getBatch asks for up to req.Batch messages; the answer ends with an
// end-of-batch status, or is a lone 404 when there are none.
func (s *Store) getBatch(ctx context.Context, req getRequest) ([]stored, error) {
	b, err := s.askBatch(ctx, req)
	if err != nil {
		return nil, err
	}
	return b.collect(ctx)
}

// askedBatch is a direct get sent and not yet answered in full.
type askedBatch struct {
	req getRequest
	sub *nats.Subscription
}

// askBatch sends a direct get for a batch: collect its answer, or cancel
// it.
func (s *Store) askBatch(ctx context.Context, req getRequest) (*askedBatch, error) {
	payload, _ := json.Marshal(req)
	inbox := s.nc.NewRespInbox()
	sub, err := s.nc.SubscribeSync(inbox)
	if err != nil {
		return nil, translate(ctx, "direct get", false, err)
	}
	if err := s.nc.PublishRequest(s.directSubject(), inbox, payload); err != nil {
		sub.Unsubscribe()
		return nil, translate(ctx, "direct get", false, err)
	}
	return &askedBatch{req: req, sub: sub}, nil
}

func (b *askedBatch) cancel() { b.sub.Unsubscribe() }

// collect reads the batch's messages up to its end-of-batch status.
func (b *askedBatch) collect(ctx context.Context) ([]stored, error) {
	defer b.cancel()
	callCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var out []stored
	for {
		msg, err := b.sub.NextMsgWithContext(callCtx)
		if err != nil {
			return nil, translate(ctx, "direct get", false, err)
		}
		switch msg.Header.Get("Status") {
		case "":
		case "404", "204":
			return out, nil
		default:
			return nil, fmt.Errorf("direct get %+v: %s %s", b.req, msg.Header.Get("Status"), msg.Header.Get("Description"))
		}
		m, err := storedFrom(msg)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
}
