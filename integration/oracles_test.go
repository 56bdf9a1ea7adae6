package integration

import (
	"path/filepath"
	"reflect"
	"testing"
)

// TestARegisterDoesNotListAnotherRegionsStakeholders: an import's
// stakeholder id is derived from its level, region and name, which anyone
// can compute. A Gao facilitator's register naming a stakeholder Mopti
// registered is refused with the very words a name nobody has gets, so a
// dry run does not tell them which of Mopti's stakeholders exist.
func TestARegisterDoesNotListAnotherRegionsStakeholders(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := binary(t)
	dir := filepath.Join(t.TempDir(), "data")
	gao := newToken(t, bin, dir, "--role", "facilitator", "--region", "gao")
	mopti := newToken(t, bin, dir, "--role", "facilitator", "--region", "mopti")
	s := startServer(t, bin, dir)
	if r := s.upload(mopti, "mopti.csv", "name,type,level,region\nMairie de Djenné,mayor,local,mopti\n"); r.Counts["imported"] != 1 {
		t.Fatalf("Mopti's own register: %d %s", r.status, r.raw)
	}
	r := s.upload(gao, "gao.csv", "name,type,level,region\nMairie de Djenné,mayor,local,mopti\nMairie de Nulle-Part,mayor,local,mopti\n")
	if r.status != 200 || len(r.Results) != 2 || r.Counts["refused"] != 2 {
		t.Fatalf("Gao's register naming Mopti's stakeholders: %d %s", r.status, r.raw)
	}
	if taken, free := r.Results[0], r.Results[1]; !reflect.DeepEqual(taken, free) {
		t.Errorf("Mopti's stakeholder is refused as %+v, a name nobody has as %+v", taken, free)
	}
}
