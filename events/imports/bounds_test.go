package imports_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/imports"
	"github.com/palabre/palabre/events/imports/importstest"
	"github.com/palabre/palabre/events/keystore"
)

// maxHeap is the most an import may hold, hostile file or not (the
// issue's figure).
const maxHeap = 200 << 20

// peakHeap runs f while sampling the heap's objects (live or not yet
// swept: what the process holds) every millisecond, and returns the most
// seen.
func peakHeap(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	stop, peak := make(chan struct{}), make(chan uint64)
	go func() {
		var most uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			most = max(most, sample[0].Value.Uint64())
			select {
			case <-stop:
				peak <- most
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(stop)
	return <-peak
}

// workbookOf is a workbook's smallest parts around one sheet and the
// shared strings given (already zipped, as a stream, by zipOf's rule).
func workbookOf(t testing.TB, sheet string, sharedHead, sharedItem string, items int) []byte {
	t.Helper()
	var b bytes.Buffer
	z := importstest.Deflating(&b)
	put := func(name, text string) {
		f, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(f, text)
	}
	put("[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)
	put("xl/workbook.xml", `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="dialogue" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`)
	put("xl/worksheets/sheet1.xml", sheet)
	f, err := z.Create("xl/sharedStrings.xml")
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	io.WriteString(w, sharedHead)
	for range items {
		io.WriteString(w, sharedItem)
	}
	io.WriteString(w, "</sst>")
	w.Flush()
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// refusedBy reads name within limits and checks that it is refused by
// limit, named in French, with the heap under maxHeap.
func refusedBy(t *testing.T, name string, file []byte, lim imports.Limits, limit imports.Limit, french string) {
	t.Helper()
	var err error
	start := time.Now()
	peak := peakHeap(func() { _, err = imports.ReadWithin(context.Background(), name, file, lim) })
	t.Logf("%s of %d KB: refused in %v, heap at most %d MB: %v", name, len(file)>>10, time.Since(start).Round(time.Millisecond), peak>>20, err)
	var refused *imports.LimitError
	if !errors.As(err, &refused) || refused.Limit != limit {
		t.Fatalf("want a refusal by %s, got %v", limit, err)
	}
	if msg := refused.In("fr"); !strings.Contains(msg, french) {
		t.Errorf("the refusal does not name its limit in French: %q lacks %q", msg, french)
	}
	if peak > maxHeap {
		t.Errorf("the heap reached %d MB, over %d MB", peak>>20, maxHeap>>20)
	}
}

func TestAZipBombOf200000RowsIsRefusedByTheRowsLimit(t *testing.T) {
	file := importstest.ZipOf(t, "palabre_dialogue.csv", "KEY,n\n", "uuid:a,123\n", "", 200_000)
	if len(file) > 8<<10 {
		t.Fatalf("the bomb is %d bytes, not a few KB", len(file))
	}
	refusedBy(t, "palabre_dialogue.zip", file, imports.DefaultLimits(), imports.LimitRows, "limite de lignes par fichier")
}

func TestAZipBombOf7Point8MillionRowsIsRefusedWithoutReadingItAll(t *testing.T) {
	file := importstest.ZipOf(t, "palabre_dialogue.csv", "KEY,n\n", "uuid:a,12\n", "", 7_800_000)
	refusedBy(t, "palabre_dialogue.zip", file, imports.DefaultLimits(), imports.LimitRows, "limite de lignes par fichier")
}

func TestACSVOf200000RowsIsRefusedByTheRowsLimit(t *testing.T) {
	var csv bytes.Buffer
	csv.WriteString("dialogue/spaceId,dialogue/heldOn,dialogue/pillar,headcount/adultWomen,_uuid,_submission_time\n")
	for i := range 200_000 {
		fmt.Fprintf(&csv, "01JD3Q0Z8W4X5Y6Z7A8B9C0D1E,2026-05-04,security,3,sub-%d,2026-05-04T12:00:00\n", i)
	}
	refusedBy(t, "dialogue.csv", csv.Bytes(), imports.DefaultLimits(), imports.LimitRows, "limite de lignes par fichier")
}

func TestAWorkbookWhoseSharedStringsExpandTo300MBIsRefused(t *testing.T) {
	sheet := `<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`
	head := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
	big := workbookOf(t, sheet, head, "<si><t>"+strings.Repeat("x", 1000)+"</t></si>", 300_000)
	if len(big) > 1<<20 {
		t.Fatalf("the workbook is %d KB, not a few hundred KB", len(big)>>10)
	}
	refusedBy(t, "export.xlsx", big, imports.DefaultLimits(), imports.LimitSharedStringBytes, "textes partagés du classeur dépassent 16 Mo")
	many := workbookOf(t, sheet, head, "<si><t>a</t></si>", 3_000_000)
	refusedBy(t, "export.xlsx", many, imports.DefaultLimits(), imports.LimitSharedStrings, "plus de 500\u202f000 textes partagés")
}

func TestAWorkbookIsRefusedAsItsPartsExpandPastTheLimit(t *testing.T) {
	file := workbookOf(t, `<worksheet><sheetData>`+strings.Repeat(`<row r="1"><c r="A1"/></row>`, 1_000_000)+`</sheetData></worksheet>`, "<sst>", "", 0)
	lim := imports.DefaultLimits()
	lim.DecompressedBytes = 8 << 20
	refusedBy(t, "export.xlsx", file, lim, imports.LimitDecompressedBytes, "limite des octets décompressés")
}

func TestOneRowOrCellTooWideIsRefused(t *testing.T) {
	wide := "a" + strings.Repeat(",a", 1_000) + "\n"
	refusedBy(t, "dialogue.csv", []byte(wide), imports.DefaultLimits(), imports.LimitCellsPerRow, "limite de cellules par ligne")
	long := "a,b\n\"" + strings.Repeat("x", 300<<10) + "\",b\n"
	refusedBy(t, "dialogue.csv", []byte(long), imports.DefaultLimits(), imports.LimitCellBytes, "limite de taille d’une cellule")
	far := `<worksheet><sheetData><row r="1"><c r="ZZZ1" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>`
	refusedBy(t, "export.xlsx", workbookOf(t, far, "<sst>", "", 0), imports.DefaultLimits(), imports.LimitCellsPerRow, "limite de cellules par ligne")
}

// blocking sends nothing until released: an import held while it runs.
type blocking struct {
	direct
	started chan struct{}
	release chan struct{}
}

func (b blocking) Send(ctx context.Context, id domain.ID, cmd domain.Command, meta commands.Meta, identity *keystore.Identity) (commands.Result[domain.Event], error) {
	select {
	case b.started <- struct{}{}:
		<-b.release
	default:
	}
	return b.direct.Send(ctx, id, cmd, meta, identity)
}

func TestASecondImportByTheSameTokenIsRefusedWhileTheFirstRuns(t *testing.T) {
	w := newWorld(t)
	importer := imports.NewImporter(imports.DefaultLimits())
	file := w.koboXLSX(t, submission{uuid: "a1", pillar: "security", women: 4, codes: []string{"GAO-0001"}})
	job := func(by string, send imports.Sender) imports.Job {
		return imports.Job{By: by, Name: "export.xlsx", Data: file, Directory: w.directory(), Handler: w.env.Handler, Send: send, Options: imports.Options{DryRun: true}}
	}
	held := blocking{direct: direct{w.env.Handler}, started: make(chan struct{}), release: make(chan struct{})}
	first := make(chan error)
	go func() { _, err := importer.Import(context.Background(), job("token-1", held)); first <- err }()
	<-held.started
	_, err := importer.Import(context.Background(), job("token-1", w.sender()))
	var refused *imports.LimitError
	if !errors.As(err, &refused) || refused.Limit != imports.LimitOneAtATime || !strings.Contains(refused.In("fr"), "un import de ce jeton est déjà en cours") {
		t.Fatalf("a second import by the same token: %v", err)
	}
	if fr, en := refused.In("fr"), refused.In("en"); !strings.HasSuffix(fr, "attendez qu’il finisse") || !strings.HasSuffix(en, "wait until it ends") {
		t.Fatalf("a second import is refused saying %q and %q: want each sentence whole, with nothing after it", fr, en)
	}
	if r, err := importer.Import(context.Background(), job("token-2", w.sender())); err != nil || r.Counts[imports.Checked] != 1 {
		t.Fatalf("another token's import: %+v %v", r, err)
	}
	close(held.release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if r, err := importer.Import(context.Background(), job("token-1", w.sender())); err != nil || r.Counts[imports.Checked] != 1 {
		t.Fatalf("the same token once the first import ended: %+v %v", r, err)
	}
}

// slow sends as direct does, but from its 20th command on, every
// command waits until the deadline has passed: an import is sure to pass
// it with rows left.
type slow struct {
	direct
	calls  *atomic.Int64
	until  time.Duration
	passed chan struct{}
}

func newSlow(h *commands.Handler, until time.Duration) slow {
	return slow{direct: direct{h}, calls: new(atomic.Int64), until: until, passed: make(chan struct{})}
}

func (s slow) Send(ctx context.Context, id domain.ID, cmd domain.Command, meta commands.Meta, identity *keystore.Identity) (commands.Result[domain.Event], error) {
	switch n := s.calls.Add(1); {
	case n == 20:
		time.Sleep(s.until)
		close(s.passed)
	case n > 20:
		<-s.passed
	}
	return s.direct.Send(ctx, id, cmd, meta, identity)
}

func TestAnImportStopsBetweenRowsAtItsDeadlineAndTheRestComesNextTime(t *testing.T) {
	w := newWorld(t)
	var subs []submission
	for i := range 1500 { // rows enough to outlast the deadline on a quick machine
		subs = append(subs, submission{uuid: fmt.Sprintf("s%d", i), pillar: "security", women: 1, codes: []string{"GAO-0001"}})
	}
	file := w.koboXLSX(t, subs...)
	lim := imports.DefaultLimits()
	lim.Deadline = 150 * time.Millisecond
	job := imports.Job{By: "token", Name: "export.xlsx", Data: file, Directory: w.directory(), Handler: w.env.Handler,
		Send: newSlow(w.env.Handler, 2*lim.Deadline)}
	r, err := imports.NewImporter(lim).Import(context.Background(), job)
	var stopped *imports.LimitError
	if !errors.As(err, &stopped) || stopped.Limit != imports.LimitDeadline || !strings.Contains(stopped.In("fr"), "délai de 150 ms (limite de durée d’un import)") {
		t.Fatalf("an import past its deadline: %v", err)
	}
	done := r.Counts[imports.Imported]
	if stopped.Done != len(r.Results) || done != len(r.Results) || done >= len(subs) {
		t.Fatalf("the report before the deadline: %d rows, %d imported, Done %d of %d", len(r.Results), done, stopped.Done, len(subs))
	}
	job.Send = w.sender()
	again, err := imports.NewImporter(imports.DefaultLimits()).Import(context.Background(), job)
	if err != nil || again.Counts[imports.Already] != done || again.Counts[imports.Imported] != len(subs)-done {
		t.Fatalf("the file again: %v %v (%d done before)", again.Counts, err, done)
	}
}

func TestTheReportListsAHundredRefusalsOfAKindAndCountsTheRest(t *testing.T) {
	w := newWorld(t)
	var subs []submission
	for i := range 250 {
		subs = append(subs, submission{uuid: fmt.Sprintf("s%d", i), pillar: "fishing", women: 1})
	}
	job := imports.Job{By: "token", Name: "export.xlsx", Data: w.koboXLSX(t, subs...), Directory: w.directory(), Handler: w.env.Handler, Send: w.sender(), Options: imports.Options{DryRun: true}}
	r, err := imports.NewImporter(imports.DefaultLimits()).Import(context.Background(), job)
	if err != nil || r.Counts[imports.Refused] != 250 {
		t.Fatalf("%v %v", r.Counts, err)
	}
	var out bytes.Buffer
	if err := r.Write(&out, "fr"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 102 || !strings.Contains(lines[100], "… et 150 autres refus de ce genre (colonne dialogue/pillar), dont le premier : \"fishing\"") {
		t.Fatalf("%d lines, the last two:\n%s", len(lines), strings.Join(lines[max(0, len(lines)-2):], "\n"))
	}
}

// The largest file the limits admit in practice, 10,000 submissions of
// the shipped form with ten attendees and a commitment each, is read and
// planned within the memory the limits promise.
func TestTenThousandSubmissionsAreReadAndPlannedUnder200MB(t *testing.T) {
	if testing.Short() {
		t.Skip("makes a 6 MB workbook of 130,000 rows")
	}
	w := newWorld(t)
	file := importstest.ShippedFormExport(t, w.space.String(), w.holder.String(), 10_000, 8, 2, 400)
	codes := map[string]domain.ID{}
	for i := range 400 {
		codes[fmt.Sprintf("GAO-%04d", i)] = domain.ID(ulid.Make())
	}
	w.codes = func(_, code string) (domain.ID, bool, bool) { id, ok := codes[code]; return id, ok, false }
	dir := w.directory()
	var rows []imports.Row
	var err error
	start := time.Now()
	peak := peakHeap(func() {
		var tables []imports.Table
		if tables, err = imports.ReadWithin(context.Background(), "dialogue.xlsx", file, imports.DefaultLimits()); err == nil {
			rows, err = imports.PlanTables(tables, dir, nil)
		}
	})
	t.Logf("a workbook of %d KB read and planned in %v, the heap at most %d MB", len(file)>>10, time.Since(start).Round(time.Millisecond), peak>>20)
	if err != nil || len(rows) != 10_000 {
		t.Fatalf("%d rows: %v", len(rows), err)
	}
	if peak > maxHeap {
		t.Errorf("the heap reached %d MB, over %d MB", peak>>20, maxHeap>>20)
	}
}

// A file of a type palabre does not read is refused as the file's
// problem, which a door says in its reader's language.
func TestAFileTypeNotReadIsRefusedNamingTheFile(t *testing.T) {
	_, err := imports.Read("compte-rendu.pdf", []byte("%PDF-1.4"))
	var problems *domain.Problems
	if !errors.As(err, &problems) || (*problems)[0].Field != "file" {
		t.Fatalf("a .pdf: %v, want the file refused", err)
	}
	if got := (*problems)[0].In("fr"); !strings.HasPrefix(got, `"compte-rendu.pdf" n’est pas un export que palabre lit`) {
		t.Errorf("in French: %q", got)
	}
}

// A limit met at a row says where, with each language's punctuation: a
// space before the colon in French, none in English.
func TestALimitSaysItsRowInEachLanguagesPunctuation(t *testing.T) {
	refused := &imports.LimitError{Limit: imports.LimitCellBytes, Value: 256 << 10, Sheet: "longline.csv", Row: 2}
	if fr, en := refused.In("fr"), refused.In("en"); !strings.HasPrefix(fr, "longline.csv ligne 2 : une cellule") || !strings.HasPrefix(en, "longline.csv row 2: a cell") {
		t.Fatalf("%q and %q", fr, en)
	}
}
