package integration

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/oklog/ulid/v2"
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

// TestARegistersIDChangesWhatItNamesAndNeverCreates: the id column is
// "to change an existing stakeholder". A Gao facilitator's row naming the
// id of a Mopti stakeholder, and one naming an id nobody has, are both
// refused as a stakeholder that does not exist, in the same words; the
// second used to create a stakeholder under the id, so the two told Mopti's
// ids apart.
func TestARegistersIDChangesWhatItNamesAndNeverCreates(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := binary(t)
	dir := filepath.Join(t.TempDir(), "data")
	gao := newToken(t, bin, dir, "--role", "facilitator", "--region", "gao")
	mopti := newToken(t, bin, dir, "--role", "facilitator", "--region", "mopti")
	s := startServer(t, bin, dir)
	moptis := ulid.Make().String()
	s.must(mopti, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Mairie de Djenné", type: MAYOR, level: LOCAL, region: "mopti"}) { id } }`, map[string]any{"c": moptis})
	nobodys := ulid.Make().String()
	r := s.upload(gao, "gao.csv", "id,name,type,level,region\n"+moptis+",Mairie de Gao,mayor,local,gao\n"+nobodys+",Mairie de Gao,mayor,local,gao\n")
	if r.status != 200 || len(r.Results) != 2 || r.Counts["refused"] != 2 {
		t.Fatalf("Gao's register naming ids: %d %s", r.status, r.raw)
	}
	if taken, free := r.Results[0], r.Results[1]; !reflect.DeepEqual(taken, free) {
		t.Errorf("Mopti's stakeholder's id is refused as %+v, an id nobody has as %+v", taken, free)
	}
	// Their own stakeholder, named by its id, is changed.
	own := ulid.Make().String()
	s.must(gao, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Mairie de Bourem", type: MAYOR, level: LOCAL, region: "gao"}) { id } }`, map[string]any{"c": own})
	if r := s.upload(gao, "gao.csv", "id,name,type,level,region\n"+own+",Mairie de Bourem (commune),mayor,local,gao\n"); r.Counts["corrected"] != 1 {
		t.Errorf("Gao's own stakeholder named by its id: %d %s", r.status, r.raw)
	}
}
