package site

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/palabre/palabre/events/domain"
)

// catalogue holds every string a page shows, French then English.
var catalogue = map[string][2]string{
	"title":                     {"Observatoire des engagements", "Commitments observatory"},
	"skip":                      {"Aller au contenu", "Skip to content"},
	"nav":                       {"Sections", "Sections"},
	"home":                      {"Accueil", "Home"},
	"commitments":               {"Engagements des autorités", "Authorities’ commitments"},
	"rates":                     {"Taux de tenue des engagements", "Commitments kept"},
	"inclusion":                 {"Inclusion dans les espaces de concertation", "Inclusion in consultative spaces"},
	"outcomes":                  {"Changements constatés", "Outcomes harvested"},
	"intro":                     {"Ce que les autorités ont promis lors des dialogues communautaires, et ce qu’elles ont tenu.", "What authorities promised in community dialogues, and what they kept."},
	"asOf":                      {"Publié le %s, d’après le registre tel qu’il était au début de ce jour. Rien de daté après le %s n’y figure (délai de %d jours).", "Published on %s, from the record as it stood when that day began. Nothing dated after %s appears (a delay of %d days)."},
	"byRegion":                  {"Par région", "By region"},
	"byAuthority":               {"Par autorité", "By authority"},
	"region":                    {"Région", "Region"},
	"authority":                 {"Autorité", "Authority"},
	"made":                      {"Pris", "Made"},
	"open":                      {"En cours", "Open"},
	"fulfilled":                 {"Tenus", "Kept"},
	"broken":                    {"Non tenus", "Broken"},
	"withdrawn":                 {"Retirés", "Withdrawn"},
	"rate":                      {"Taux de tenue", "Kept"},
	"rateNote":                  {"Taux de tenue : engagements tenus parmi ceux tenus ou non tenus. Les engagements en cours et retirés figurent dans les données ouvertes.", "Kept: commitments kept among those kept or broken. Open and withdrawn commitments are in the open data."},
	"national":                  {"Autorités nationales et internationales", "National and international authorities"},
	"rateShort":                 {"Taux", "Rate"},
	"measure":                   {"Mesure", "Measure"},
	"count":                     {"Nombre", "Count"},
	"share":                     {"Part", "Share"},
	"none":                      {"—", "—"},
	"commitment":                {"Engagement", "Commitment"},
	"pillar":                    {"Pilier", "Pillar"},
	"madeOn":                    {"Pris le", "Made on"},
	"dueOn":                     {"Échéance", "Due"},
	"status":                    {"Statut", "Status"},
	"evidence":                  {"Suivi daté", "Dated evidence"},
	"evidenceItems":             {"%d pièce(s)", "%d item(s)"},
	"wordingWithheld":           {"Engagement %s (libellé non publié : il nommerait une personne ou une localité)", "Commitment %s (wording not published: it would name a person or a locality)"},
	"year":                      {"Année", "Year"},
	"withheld":                  {"masqué", "withheld"},
	"perturbedNote":             {"Les chiffres marqués * sont légèrement perturbés pour protéger les personnes ; les petits chiffres sont masqués. Chiffres arrêtés au %s.", "Figures marked * carry a small perturbation that protects people; small figures are withheld. Figures up to %s."},
	"actor":                     {"Acteur", "Actor"},
	"changeType":                {"Type de changement", "Change type"},
	"significance":              {"Importance", "Significance"},
	"contribution":              {"Contribution de l’alliance", "The alliance’s contribution"},
	"others":                    {"Contribution d’autres acteurs", "Others’ contribution"},
	"verdicts":                  {"Corroboration", "Substantiation"},
	"evidenceOf":                {"Preuves : ", "Evidence: "},
	"dialoguesCited":            {"%d dialogue(s)", "%d dialogue(s)"},
	"report":                    {"suivi n° %d", "progress report %d"},
	"noOutcome":                 {"Aucun changement n’est encore publié.", "No outcome is published yet."},
	"data":                      {"Données ouvertes", "Open data"},
	"dataNote":                  {"Les mêmes données, en CSV (UTF-8) et en JSON :", "The same data, as CSV (UTF-8) and JSON:"},
	"signed":                    {"Publication signée", "Signed publication"},
	"signedNote":                {"Chaque fichier est listé avec son empreinte SHA-256 dans manifest.sha256, signé (manifest.sig) par la clé Ed25519 de l’alliance. Clé publique :", "Every file is listed with its SHA-256 in manifest.sha256, signed (manifest.sig) with the alliance’s Ed25519 key. Public key:"},
	"verifyNote":                {"Pour vérifier une copie : palabre publish verify DOSSIER --key CLÉ", "To check a copy: palabre publish verify FOLDER --key KEY"},
	"policy":                    {"Ni nom, ni lieu plus fin que la région, ni chiffre que notre méthode de protection ne publie.", "No name, no place finer than a region, no figure our protection method does not release."},
	"m:attendance":              {"Présences", "Attendance"},
	"m:uniqueParticipants":      {"Personnes", "People"},
	"m:women":                   {"Femmes", "Women"},
	"m:youth":                   {"Jeunes (15–35 ans)", "Youth (15–35)"},
	"m:personsWithDisabilities": {"Personnes handicapées", "Persons with disabilities"},
	"m:displaced":               {"Déplacés", "Displaced"},
	"k:progress":                {"Suivi", "Progress"},
	"k:fulfilled":               {"Tenu", "Kept"},
	"k:broken":                  {"Non tenu", "Broken"},
	"k:withdrawn":               {"Retiré", "Withdrawn"},
	"yes":                       {"oui", "yes"},
	"no":                        {"non", "no"},
	"intended":                  {"Voulu", "Intended"},
}

// say is a catalogue string in lang, formatted with args.
func say(lang, key string, args ...any) string {
	s, ok := catalogue[key]
	if !ok {
		panic("site: no catalogue entry " + key) // a test reads every page
	}
	text := s[0]
	if lang == "en" {
		text = s[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(text, args...)
	}
	return text
}

// nnbsp is the narrow no-break space French puts between thousands and
// before a percent sign, as Intl's fr-FR does.
const nnbsp = "\u202f"

// number writes an integer as a reader of lang writes it: 1 234, 1,234.
func number(lang string, n int) string {
	s := strconv.Itoa(max(n, -n))
	sep := ","
	if lang != "en" {
		sep = nnbsp
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if n < 0 {
		return "-" + b.String()
	}
	return b.String()
}

// percent writes a share (0–1) with one decimal: 44,2 %, 44.2%.
func percent(lang string, share float64) string {
	s := strconv.FormatFloat(share*100, 'f', 1, 64)
	if lang == "en" {
		return s + "%"
	}
	return strings.Replace(s, ".", ",", 1) + nnbsp + "%"
}

var months = [2][12]string{
	{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// date writes a date in full: 3 décembre 2026, 3 December 2026.
func date(lang string, d domain.Date) string {
	if d.IsZero() {
		return say(lang, "none")
	}
	i := 0
	if lang == "en" {
		i = 1
	}
	t := d.Time()
	return fmt.Sprintf("%d %s %d", t.Day(), months[i][t.Month()-time.January], t.Year())
}
