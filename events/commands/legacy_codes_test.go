package commands

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/pebblestore"
)

// Participants enrolled before codes were claimed may share a code in a
// region (in another case, too). Claimed at once by many workers, the
// first of each pair in the holders' order must keep it, whatever the
// timing, and only the second be reported.
func TestLegacyDuplicateCodesAreClaimedByTheFirstListed(t *testing.T) {
	ctx := context.Background()
	store, err := pebblestore.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	h := New(store, refdata.Default(), &Options{CodeKey: []byte("code key for the test")})
	var holders, want []CodeHolder
	for i := range 150 {
		var id domain.ID
		id[0], id[14], id[15] = 1, byte(i>>8), byte(i)
		code := fmt.Sprintf("GAO-%04d", i%100) // 50 codes held twice
		if i >= 100 {
			code = fmt.Sprintf("gao-%04d", i%100) // the second holder typed it in lower case
		}
		profile := participant.Profile{Code: code, Sex: "female", AgeBand: "25-35", Displacement: "none", Region: "gao"}
		data, err := h.encode([]domain.Event{participant.Enrolled{Profile: profile}}, Meta{CommandID: id}, "", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Append(ctx, domain.StreamName(participant.Category, id), events.NoStream{}, data...); err != nil {
			t.Fatal(err)
		}
		holders = append(holders, CodeHolder{ID: id, Region: "gao", Code: code})
		if i >= 100 && i%100 < 50 {
			want = append(want, holders[i])
		}
	}
	duplicates, err := h.ClaimCodes(ctx, holders, "test")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(duplicates, want) {
		t.Errorf("duplicates: %d, want the %d second holders of a code in the holders' order: %v", len(duplicates), len(want), duplicates)
	}
	for i := range 50 {
		c, err := h.readClaim(ctx, domain.StreamName(participant.CodeCategory, participant.CodeStreamID(h.codeKey, "gao", holders[i].Code)))
		if err != nil || c.ParticipantID != holders[i].ID {
			t.Errorf("%s is claimed by %s, want its first holder %s (%v)", holders[i].Code, c.ParticipantID, holders[i].ID, err)
		}
	}
}
