package imports_test

import (
	"context"
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/imports"
)

// submittedAt is the _submission_time koboXLSX writes.
var submittedAt = time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)

// unkeyedID is the id imports derived before ids were keyed, frozen here
// as those files wrote it: a hash of the submission's parts, its time the
// submission's.
func unkeyedID(parts ...string) domain.ID {
	sum := sha256.Sum256([]byte("palabre import\x00" + strings.Join(parts, "\x00")))
	var id domain.ID
	copy(id[6:], sum[:10])
	ms := uint64(submittedAt.UnixMilli())
	for i := range 6 {
		id[i] = byte(ms >> (40 - 8*i))
	}
	return id
}

// plan plans a file's one submission with the directory.
func plan(t *testing.T, file []byte, dir imports.Directory) imports.Plan {
	t.Helper()
	rows, err := imports.Plans("export.xlsx", file, dir, nil)
	if err != nil || len(rows) != 1 {
		t.Fatalf("planning: %v, %d rows", err, len(rows))
	}
	return rows[0].(imports.Plan)
}

func TestASubmissionsIDsDependOnItsRegionAndTheKey(t *testing.T) {
	w := newWorld(t)
	file := w.koboXLSX(t, submission{uuid: "s1", pillar: "security", women: 4, commitment: "Patrouilles mixtes"})
	in := func(region string, key []byte) imports.Plan {
		dir := w.directory()
		dir.SpaceRegion = func(domain.ID) (string, bool) { return region, true }
		dir.Key = key
		return plan(t, file, dir)
	}
	gao, mopti, otherKey := in("gao", w.env.CodeKey), in("mopti", w.env.CodeKey), in("gao", []byte("another master key's"))
	for name, p := range map[string]imports.Plan{"in another region": mopti, "under another key": otherKey} {
		if p.DialogueID == gao.DialogueID || p.CommandID == gao.CommandID || p.Commitments[0].ID == gao.Commitments[0].ID {
			t.Errorf("%s, a submission gets the same ids", name)
		}
	}
	if gao.DialogueID == unkeyedID("s1", "dialogue") || gao.CommandID == unkeyedID("s1", "dialogue") {
		t.Error("a new submission's dialogue gets the unkeyed id anyone computes")
	}
	// Planned again, the same ids: an import repeated adds nothing.
	if again := in("gao", w.env.CodeKey); again.DialogueID != gao.DialogueID || again.CommandID != gao.CommandID || again.Commitments[0].ID != gao.Commitments[0].ID {
		t.Error("a submission planned twice gets other ids")
	}
	r := w.run(t, file, false)
	before := w.events(t)
	if again := w.run(t, file, false); r.Counts[imports.Imported] != 1 || again.Counts[imports.Already] != 1 || w.events(t) != before {
		t.Fatalf("imported %v, then again %v adding %d events", r.Counts, again.Counts, w.events(t)-before)
	}
}

// TestADialogueImportedBeforeIDsWereKeyedKeepsItsID: a file imported when
// ids were unkeyed adds nothing when imported again, and an edit of its
// submission corrects its dialogue; a dialogue under that id that the
// importer may not see, or of another region, is as one that does not
// exist.
func TestADialogueImportedBeforeIDsWereKeyedKeepsItsID(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	file := w.koboXLSX(t, submission{uuid: "old-1", pillar: "security", women: 4, codes: []string{"GAO-0001"}, commitment: "Patrouilles mixtes"})
	// Written as the import did before: every id unkeyed.
	p := plan(t, file, w.directory())
	old, commitmentID := unkeyedID("old-1", "dialogue"), unkeyedID("old-1", "commitment", "0")
	if _, err := commands.Dialogue.Execute(ctx, w.env.Handler, old, dialogue.Hold{Record: p.Dialogue}, commands.Meta{CommandID: ulid.ULID(old), RecordedBy: "importer"}); err != nil {
		t.Fatal(err)
	}
	made := p.Commitments[0].Cmd
	made.DialogueID = &old
	if _, err := commands.Commitment.Execute(ctx, w.env.Handler, commitmentID, made, commands.Meta{CommandID: ulid.ULID(commitmentID), RecordedBy: "importer"}); err != nil {
		t.Fatal(err)
	}
	if p := plan(t, file, w.directory()); p.DialogueID != old || p.Commitments[0].ID != commitmentID {
		t.Fatal("a submission imported before gets new ids")
	}
	before := w.events(t)
	if again := w.run(t, file, false); again.Counts[imports.Already] != 1 || w.events(t) != before {
		t.Fatalf("an old file again: %v, %d events added", again.Counts, w.events(t)-before)
	}
	edit := w.koboXLSX(t, submission{uuid: "old-1-v2", replaces: "old-1", pillar: "security", women: 9, codes: []string{"GAO-0001"}, commitment: "Patrouilles mixtes"})
	if e := w.run(t, edit, false); e.Counts[imports.Corrected] != 1 || w.events(t) != before+1 {
		t.Fatalf("an edit of an old submission: %v, %d events added", e.Counts, w.events(t)-before)
	}
	if d, _, err := commands.Dialogue.Load(ctx, w.env.Handler, old); err != nil || d.Record.Headcount.AdultWomen != 9 {
		t.Fatalf("the old dialogue after its edit: %+v, %v", d.Record.Headcount, err)
	}
	// Unseen, or in another region than the space the submission names:
	// the id is the keyed one, as if no dialogue had it.
	for name, found := range map[string]func(domain.ID) (string, bool){
		"not seen":          func(domain.ID) (string, bool) { return "", false },
		"in another region": func(domain.ID) (string, bool) { return "mopti", true },
	} {
		dir := w.directory()
		dir.Dialogue = found
		if p := plan(t, edit, dir); p.DialogueID == old || p.CommandID == unkeyedID("old-1-v2", "dialogue") {
			t.Errorf("an edit of an old submission %s gets its unkeyed id", name)
		}
	}
}
