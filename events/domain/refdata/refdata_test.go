package refdata_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/palabre/palabre/events/domain/refdata"
)

func TestMaliAfter2023HasBamakoAndNineteenRegions(t *testing.T) {
	d := refdata.Default()
	if len(d.Regions) != 20 {
		t.Fatalf("got %d regions, want the District of Bamako and 19 regions", len(d.Regions))
	}
	for _, code := range []string{"bamako", "gao", "mopti", "tombouctou", "bandiagara", "douentza"} {
		if !d.HasRegion(code) {
			t.Errorf("missing region %s", code)
		}
	}
	if r, _ := d.Region("segou"); r.Name != "Ségou" {
		t.Errorf("segou is named %q", r.Name)
	}
	if !d.HasGroup("pastoralists") || d.HasGroup("nobody") {
		t.Error("groups are wrong")
	}
}

func TestOlderDataUsesTheTenEarlierRegions(t *testing.T) {
	d, err := refdata.Builtin(refdata.MaliPre2023)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Regions) != 11 || d.HasRegion("bandiagara") {
		t.Fatalf("got %d regions (bandiagara %v), want Bamako and 10 regions", len(d.Regions), d.HasRegion("bandiagara"))
	}
	if _, err := refdata.Builtin("atlantis"); err == nil {
		t.Fatal("an unknown built-in list loaded")
	}
}

func TestAnotherCountryLoadsFromAFileAndBadFilesNameEveryProblem(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "niger.json")
	os.WriteFile(good, []byte(`{"name":"Niger","regions":[{"code":"tillaberi","name":"Tillabéri"}],"groups":[]}`), 0o600)
	d, err := refdata.Load(good)
	if err != nil || !d.HasRegion("tillaberi") || d.HasRegion("gao") {
		t.Fatalf("got %v, %v", d, err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"regions":[{"code":"Gao","name":"Gao"},{"code":"x","name":""},{"code":"y","name":"Y"},{"code":"y","name":"Y"}],"groups":[]}`), 0o600)
	_, err = refdata.Load(bad)
	for _, want := range []string{"regions[0].code", "regions[1].name", "regions[3].code"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
}

func TestARegionIsFoundByItsCodeOrNameCaseAndSpacesAside(t *testing.T) {
	d := refdata.Default()
	for name, want := range map[string]string{
		"mopti": "mopti", "MOPTI": "mopti", " mopti ": "mopti", "Mopti": "mopti",
		"SÉGOU": "segou", "district  de BAMAKO": "bamako", "Atlantide": "", "": "", "mop ti": "",
	} {
		if code, ok := d.RegionCode(name); code != want || ok != (want != "") {
			t.Errorf("RegionCode(%q) = %q, %v, want %q", name, code, ok, want)
		}
	}
}
