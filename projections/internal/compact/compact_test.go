package compact_test

import (
	"slices"
	"testing"
	"time"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/projections/internal/compact"
)

func TestATableNamesEachDistinctValueOnceInTheOrderFirstSeen(t *testing.T) {
	var tb compact.Table[string]
	for i, w := range []string{"gao", "mopti", "gao", "", "mopti"} {
		want := []uint32{0, 1, 0, 2, 1}[i]
		if got := tb.Of(w); got != want {
			t.Fatalf("Of(%q) = %d, want %d", w, got, want)
		}
	}
	if tb.Len() != 3 || tb.At(1) != "mopti" || tb.At(7) != "" {
		t.Fatalf("len %d, At(1) %q, At(7) %q", tb.Len(), tb.At(1), tb.At(7))
	}
	if _, ok := tb.Find("kayes"); ok {
		t.Fatal("found a value never added")
	}
}

func TestAColumnKeepsItsRecordsWhereTheyAreAsItGrows(t *testing.T) {
	var c compact.Column[int64]
	first := c.At(c.Append(7))
	for i := range 10_000 {
		if got := c.Append(int64(i)); got != int32(i+1) {
			t.Fatalf("index %d, want %d", got, i+1)
		}
	}
	if *first != 7 || first != c.At(0) || *c.At(5000) != 4999 || c.Len() != 10_001 {
		t.Fatalf("first %d (moved: %v), At(5000) %d, len %d", *first, first != c.At(0), *c.At(5000), c.Len())
	}
}

func TestAnArenaGivesBackEachPartAsPutThroughManyBlocks(t *testing.T) {
	var a compact.Arena[byte]
	var spans []compact.Span
	var parts [][]byte
	for i := range 20_000 {
		part := slices.Repeat([]byte{byte(i)}, i%50)
		if i%5000 == 1 {
			part = make([]byte, 40_000) // larger than a quarter block: a block of its own
		}
		spans, parts = append(spans, a.Put(part)), append(parts, part)
	}
	for i, s := range spans {
		if got := a.Get(s); !slices.Equal(got, parts[i]) || len(got) != s.Len() {
			t.Fatalf("part %d: %d bytes, want %d", i, len(got), len(parts[i]))
		}
	}
	got := append(a.Get(spans[3]), 99) // capped: copies rather than overwrite part 4
	if !slices.Equal(a.Get(spans[4]), parts[4]) || len(got) != 4 {
		t.Fatal("an append to a part overwrote the next")
	}
	a.Clear(spans[10])
	if !slices.Equal(a.Get(spans[10]), make([]byte, 10)) || !slices.Equal(a.Get(spans[11]), parts[11]) {
		t.Fatal("Clear did not zero its part alone")
	}
}

func TestADayGivesBackItsDateAndTheZeroDate(t *testing.T) {
	for _, d := range []domain.Date{{}, domain.NewDate(2026, 12, 3), domain.NewDate(1950, 1, 1), domain.NewDate(1, 1, 1), domain.NewDate(9999, 12, 31)} {
		if got := compact.DayOf(d).Date(); got != d {
			t.Fatalf("%v gave back %v", d, got)
		}
	}
	if compact.DayOf(domain.Date{}) != compact.NoDay || compact.DayOf(domain.DateOf(time.Unix(86400, 0))) != 1 {
		t.Fatal("wrong day numbers")
	}
}

func TestAnIndexFindsEveryRecordByItsIDAndNoOther(t *testing.T) {
	var x compact.Index
	var ids []domain.ID
	idOf := func(i int32) domain.ID { return ids[i] }
	hashOf := func(i int32) uint64 { return compact.HashID(ids[i]) }
	find := func(id domain.ID) (int32, bool) {
		return x.Find(compact.HashID(id), func(i int32) bool { return ids[i] == id })
	}
	for i := range 100_000 {
		var id domain.ID
		id[15], id[14], id[3] = byte(i), byte(i>>8), byte(i>>16) // ids alike but for a few bits
		ids = append(ids, id)
		x.Add(compact.HashID(id), int32(i), hashOf)
	}
	for i, id := range ids {
		if got, ok := find(id); !ok || got != int32(i) || idOf(got) != id {
			t.Fatalf("id %d found at %d, %v", i, got, ok)
		}
	}
	var missing domain.ID
	missing[0] = 1
	if _, ok := find(missing); ok || x.Len() != len(ids) {
		t.Fatalf("found an id never added, or len %d", x.Len())
	}
}

func TestAnIDTableFindsEveryIndexByItsIDAndNoOther(t *testing.T) {
	var x compact.IDTable
	if _, ok := x.Find(domain.ID{}); ok {
		t.Fatal("an empty table found an id")
	}
	var ids []domain.ID
	for i := range 100_000 {
		var id domain.ID
		id[15], id[14], id[3] = byte(i), byte(i>>8), byte(i>>16) // ids alike but for a few bits
		ids = append(ids, id)
		x.Put(id, uint32(i))
		if got, ok := x.Find(id); !ok || got != uint32(i) { // found at once, through every growth
			t.Fatalf("id %d just added found at %d, %v", i, got, ok)
		}
	}
	for i, id := range ids {
		if got, ok := x.Find(id); !ok || got != uint32(i) {
			t.Fatalf("id %d found at %d, %v", i, got, ok)
		}
	}
	var missing domain.ID
	missing[0] = 1
	if _, ok := x.Find(missing); ok || x.Len() != len(ids) {
		t.Fatalf("found an id never added, or len %d", x.Len())
	}
	x.Put(ids[7], 1_000_000) // filed again: replaced, not added
	if got, _ := x.Find(ids[7]); got != 1_000_000 || x.Len() != len(ids) {
		t.Fatalf("an id filed again is found at %d, len %d", got, x.Len())
	}
}

func TestAnIDTableAddsAnIDOnceAndAReservedOneFillsWithoutMoving(t *testing.T) {
	var x compact.IDTable
	x.Reserve(50_000)
	for i := range 50_000 {
		var id domain.ID
		id[15], id[14], id[3] = byte(i), byte(i>>8), byte(i>>16)
		if !x.Add(id, uint32(i)) {
			t.Fatalf("id %d was not added", i)
		}
		if x.Add(id, 7) { // already there: refused, and the first index kept
			t.Fatalf("id %d was added twice", i)
		}
		if got, ok := x.Find(id); !ok || got != uint32(i) {
			t.Fatalf("id %d found at %d, %v", i, got, ok)
		}
	}
	if x.Len() != 50_000 {
		t.Fatalf("len %d", x.Len())
	}
	if allocs := testing.AllocsPerRun(1, func() {
		var y compact.IDTable
		y.Reserve(1000)
		for i := range 1000 {
			y.Add(domain.ID{byte(i), byte(i >> 8)}, uint32(i))
		}
	}); allocs != 1 {
		t.Fatalf("a table reserved for 1000 ids allocated %v times filling up", allocs)
	}
}

func TestListsKeepEachDistinctListOnceAndTheEmptyOneAsNil(t *testing.T) {
	var l compact.Lists
	a := l.Of([]string{"women", "youth"})
	if l.Of([]string{"women", "youth"}) != a || l.Of([]string{"women\x00youth"}) == a || l.Of([]string{"womenyouth"}) == a {
		t.Fatal("two lists share an index, or one list has two")
	}
	if l.Of(nil) != 0 || l.Of([]string{}) != 0 || l.At(0) != nil || l.At(99) != nil {
		t.Fatal("the empty list is not 0 and nil")
	}
	if got := l.At(a); !slices.Equal(got, []string{"women", "youth"}) {
		t.Fatalf("At gave %v", got)
	}
}
