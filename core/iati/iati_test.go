package iati_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/iati"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/core/read/reporttest"
)

var analyst = read.Viewer{Principal: access.Principal{Role: access.Analyst, Subject: "analyst", TokenID: "t"}, Log: zerolog.Nop()}

// schemaPath is the official IATI 2.03 activity schema, kept outside the
// repository (../shared/iati beside the checkout), or where
// PALABRE_IATI_SCHEMA says.
func schemaPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("PALABRE_IATI_SCHEMA")
	if path == "" {
		path = filepath.Join("..", "..", "..", "shared", "iati", "iati-activities-schema.xsd")
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("the IATI schema is not at %s (set PALABRE_IATI_SCHEMA): %v", path, err)
	}
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("xmllint is not installed (apt-get install libxml2-utils)")
	}
	return path
}

// validate runs xmllint against the official schema, offline.
func validate(t *testing.T, schema string, file []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "activity.xml")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("xmllint", "--noout", "--nonet", "--schema", schema, path).CombinedOutput()
	if err != nil {
		t.Fatalf("the IATI file does not validate against %s: %v\n%s\n%s", schema, err, out, file)
	}
}

func write(t *testing.T, r *read.Report, lang string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := iati.Write(&b, r, lang); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestTheActivityFileValidatesAgainstTheOfficialSchema: the fixture's
// report, with a child activity per partner, a qualitative indicator and
// disaggregated actuals, is a valid IATI 2.03 activity file (the schema's
// iati-activities/iati-activity/result/indicator/period/actual), and holds
// none of what the exclusion policy leaves out.
func TestTheActivityFileValidatesAgainstTheOfficialSchema(t *testing.T) {
	schema := schemaPath(t)
	f := reporttest.New(t)
	r, err := f.Service(t, read.CellKey, 5).DonorReport(context.Background(), analyst, read.ReportQuery{FrameworkID: f.FrameworkID})
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"fr", "en"} {
		file := write(t, r, lang)
		validate(t, schema, file)
		s := string(file)
		for _, want := range []string{`<iati-activity last-updated-datetime="2026-06-01T08:00:00Z" xml:lang="` + lang + `" hierarchy="1">`,
			`<related-activity ref="NL-KVK-1-PAL-MOP" type="2">`, `<iati-identifier>NL-KVK-1-PAL-GAO</iati-identifier>`,
			`<reference vocabulary="99" code="SCS-3" indicator-uri="https://example.org/basket">`, `<indicator measure="5" ascending="1">`,
			`<dimension name="sex" value="female">`,
			// One narrative per comment: several would be translations.
			"<narrative>Le gouverneur rend compte au CCS " + map[string]string{"fr": "Justifié par 1 pièce(s)", "en": "Supported by 1 item(s)"}[lang]} {
			if !strings.Contains(s, want) {
				t.Errorf("%s: the file lacks %s", lang, want)
			}
		}
		// IATI's ruleset 8.11.1: no result reference beside indicators'.
		for _, never := range []string{"<location", "MOP-1", "Arrêté", "PV du CCS", `<reference vocabulary="99" code="O1"`} {
			if strings.Contains(s, never) {
				t.Errorf("%s: the file holds %q, which the exclusion policy leaves out", lang, never)
			}
		}
	}
}

// TestAReportAsOfAPastMomentIsTheSameAfterLaterEvents: a report made as of
// 15 April 2026, then again after a dialogue and a corrected value were
// recorded in May, with the read models rebuilt, is the same file byte for
// byte; made now, it shows them.
func TestAReportAsOfAPastMomentIsTheSameAfterLaterEvents(t *testing.T) {
	ctx := context.Background()
	f := reporttest.New(t)
	asOf := time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC)
	q := read.ReportQuery{FrameworkID: f.FrameworkID, AsOf: asOf}
	before, err := f.Service(t, read.CellKey, 5).DonorReport(ctx, analyst, q)
	if err != nil {
		t.Fatal(err)
	}
	f.Later(t)
	svc := f.Service(t, read.CellKey, 5)
	after, err := svc.DonorReport(ctx, analyst, q)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := write(t, before, "fr"), write(t, after, "fr"); !bytes.Equal(a, b) {
		t.Fatalf("the report as of %s changed after later events:\nbefore\n%s\nafter\n%s", asOf, a, b)
	}
	now, err := svc.DonorReport(ctx, analyst, read.ReportQuery{FrameworkID: f.FrameworkID})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(write(t, before, "fr"), write(t, now, "fr")) {
		t.Fatal("the report made now does not show what was recorded in May: the test proves nothing")
	}
}
