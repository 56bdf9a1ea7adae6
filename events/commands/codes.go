package commands

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
)

// claimGrace is how long a claim holds for a participant who does not yet
// have its code: the enrolment or correction it was made for may still be
// on its way. An older one is stale (that command failed after its claim,
// or the participant changed code since) and can be taken over.
const claimGrace = time.Minute

// ErrNoCodeKey: codes cannot be claimed without the key their claims'
// streams are named with.
var ErrNoCodeKey = errors.New("no key configured for participants' codes")

// claimCode makes a code the participant's in a region before the event
// that gives it to them is appended, refusing it when another participant
// of the region holds it. A dry run only checks. Codes are claimed in
// streams of their own, one per region and code (participant.CodeClaimed
// says why per region), created with NoStream: two servers enrolling one
// code at once cannot both win.
func (h *Handler) claimCode(ctx context.Context, id domain.ID, region, code string, meta Meta) error {
	if len(h.codeKey) == 0 {
		return ErrNoCodeKey
	}
	stream := domain.StreamName(participant.CodeCategory, participant.CodeStreamID(h.codeKey, region, code))
	for range h.maxRetries {
		claim, err := h.readClaim(ctx, stream)
		if err != nil {
			return err
		}
		var expected events.ExpectedRevision = events.NoStream{}
		if claim.exists {
			if claim.ParticipantID == id {
				return nil
			}
			held, err := h.claimHolds(ctx, region, claim)
			if err != nil {
				return err
			}
			if held {
				return domain.Reject("code", "%q is already another participant's code in this region", code)
			}
			expected = events.Exact(claim.revision)
		}
		if meta.DryRun {
			return nil
		}
		hash := "participant code/" + region + "/" + strings.ToUpper(code)
		data, err := h.encode([]domain.Event{participant.CodeClaimed{ParticipantID: id, Region: region, Code: code}}, meta, hash, h.clock())
		if err != nil {
			return err
		}
		_, err = h.store.Append(ctx, stream, expected, data...)
		if errors.Is(err, events.ErrWrongExpectedRevision) {
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", stream, err)
		}
		return nil
	}
	return fmt.Errorf("%s: %w", stream, ErrConflict)
}

// claim is the last claim of a code's stream.
type claim struct {
	participant.CodeClaimed
	exists     bool
	revision   events.Revision
	recordedAt time.Time
}

func (h *Handler) readClaim(ctx context.Context, stream string) (claim, error) {
	var c claim
	err := readStream(ctx, h, stream, func(rec events.RecordedEvent, e participant.Event, meta events.Metadata) {
		if claimed, ok := e.(participant.CodeClaimed); ok {
			c = claim{CodeClaimed: claimed, exists: true, revision: rec.Revision, recordedAt: meta.RecordedAt}
		}
	})
	return c, err
}

// claimHolds reports whether a claim still makes its code its
// participant's in the region: they have the code there (an erased person
// keeps it, so that their history never names someone else; one moved to
// another region leaves it), or the claim is recent.
func (h *Handler) claimHolds(ctx context.Context, region string, c claim) (bool, error) {
	if h.clock().Sub(c.recordedAt) < claimGrace {
		return true, nil
	}
	f, err := Participant.fold(ctx, h, domain.StreamName(participant.Category, c.ParticipantID), ulid.ULID{})
	if err != nil {
		return false, err
	}
	return f.exists && f.state.Profile.Region == region && strings.EqualFold(f.state.Profile.Code, c.Code), nil
}

// CodeHolder is a participant and the code they have in their region.
type CodeHolder struct {
	ID     domain.ID
	Region string
	Code   string
}

// ClaimCodes claims the codes of participants enrolled before codes were
// claimed per region (or claimed at all). It returns the participants
// whose code another of their region already holds: duplicates from
// before, which only a correction of one of them can resolve (imports
// refuse such a code rather than guess).
//
// Claims run claimWorkers at a time: each waits on a synced append, and
// the first start after an upgrade, or on demo data, claims every
// participant's code (250,000 at a million events took three minutes one
// at a time). Holders of one code in one region go to the same worker, in
// their order, so the first listed keeps it whatever the timing.
func (h *Handler) ClaimCodes(ctx context.Context, holders []CodeHolder, recordedBy string) (duplicates []CodeHolder, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	shards := make([][]int, claimWorkers)
	for i, p := range holders {
		k := crc32.ChecksumIEEE([]byte(p.Region+"\x00"+strings.ToUpper(p.Code))) % claimWorkers
		shards[k] = append(shards[k], i)
	}
	rejected := make([]bool, len(holders))
	var wg sync.WaitGroup
	var failed sync.Once
	for _, shard := range shards {
		wg.Go(func() {
			for _, i := range shard {
				p := holders[i]
				// The command id is the participant's: a second run claims nothing twice.
				claimErr := h.claimCode(ctx, p.ID, p.Region, p.Code, Meta{CommandID: p.ID, RecordedBy: recordedBy})
				switch {
				case errors.Is(claimErr, domain.ErrRejected):
					rejected[i] = true
				case claimErr != nil:
					failed.Do(func() { err = claimErr; cancel() })
					return
				}
			}
		})
	}
	wg.Wait()
	for i, r := range rejected {
		if r {
			duplicates = append(duplicates, holders[i])
		}
	}
	return duplicates, err
}

// claimWorkers is how many codes ClaimCodes claims at once.
const claimWorkers = 32
