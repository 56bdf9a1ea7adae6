package inclusion

import "testing"

// Month figures are bounded: a model that kept every region's every month
// at 5M events would hold their people many times over.
func TestMonthFiguresHoldNoMoreThanTheirBound(t *testing.T) {
	u := newMonthMemos()
	one := (&monthFigures{people: make([]uint32, 500)}).bytes()
	u.maxBytes = 4*one + one/2
	for month := range int32(100) {
		u.put(regionMonth{"gao", month}, &monthFigures{people: make([]uint32, 500)})
		if u.held > u.maxBytes {
			t.Fatalf("after month %d: %d bytes held, bound %d", month, u.held, u.maxBytes)
		}
		if u.get(regionMonth{"gao", month}) == nil {
			t.Fatalf("month %d was not kept", month)
		}
	}
	if n := len(u.memo); n != 4 {
		t.Errorf("%d months kept, want the 4 that fit", n)
	}
	u.put(regionMonth{"mopti", 1}, &monthFigures{people: make([]uint32, 10_000)})
	if u.get(regionMonth{"mopti", 1}) != nil {
		t.Error("a month larger than the bound was kept")
	}
}
