package imports_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/imports"
	"github.com/palabre/palabre/events/imports/importstest"
)

// A file palabre cannot read as a whole is refused saying why, in a way a
// person can act on, naming the file field: a workbook that lists a sheet
// it does not hold (read as empty, it was said to hold no submission),
// and an ODK zip with two tables of submissions, named (a repeat's file
// without PARENT_KEY reads as a second).
func TestAWholeFileRefusalSaysWhatIsWrong(t *testing.T) {
	// A workbook's parts as xl/workbook.xml and its rels name them (ECMA-376 Part 1), its sheet's part left out.
	noSheet := importstest.Zipped(t, [2]string{"xl/workbook.xml", `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="dialogue" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		[2]string{"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>`})
	// ODK Central's CSV export (central-backend lib/data/briefcase.js): the form's file, and a repeat's file whose PARENT_KEY column is missing.
	twoMain := importstest.Zipped(t, [2]string{"palabre_dialogue.csv", "KEY,dialogue-spaceId\nuuid:1,x\n"}, [2]string{"palabre_dialogue-attendees.csv", "participantCode,KEY\nGAO-1,uuid:1/attendees[1]\n"})
	for name, c := range map[string]struct {
		file   []byte
		fr, en string
	}{
		"export.xlsx": {noSheet, "le classeur liste une feuille dialogue qu’il ne contient pas", "the workbook lists a sheet dialogue it does not hold"},
		"odk.zip": {twoMain, "le zip contient 2 tables de soumissions (palabre_dialogue.csv, palabre_dialogue-attendees.csv)",
			"the zip holds 2 tables of submissions (palabre_dialogue.csv, palabre_dialogue-attendees.csv); ODK Central's export holds one, its repeats' files with a PARENT_KEY column"},
	} {
		_, err := imports.Read(name, c.file)
		var refused *domain.Problems
		if !errors.As(err, &refused) || (*refused)[0].Field != "file" || !strings.Contains((*refused)[0].In("fr"), c.fr) || !strings.Contains((*refused)[0].In("en"), c.en) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
