package domain

import "fmt"

// In says a problem's reason in a language: English as the decider wrote
// it, or French ("fr"). Every reason template a decider uses has its
// French here; a test of the API checks none is missing.
func (p Problem) In(language string) string {
	if fr, ok := frenchReasons[p.Template]; ok && language == "fr" && p.Template != "" {
		args := make([]any, len(p.Args))
		for i, arg := range p.Args {
			args[i] = arg
			if words, ok := arg.(Said); ok {
				args[i] = words.In(language)
			}
		}
		return fmt.Sprintf(fr, args...)
	}
	return p.Reason
}

// Said is an argument of a reason that has its own words in each language
// (a capability: "log dialogues", « consigner des dialogues »), so that a
// French sentence does not hold an English phrase.
type Said interface {
	In(language string) string
}

// HasFrench reports whether a reason template is said in French.
func HasFrench(template string) bool {
	_, ok := frenchReasons[template]
	return ok
}

var frenchReasons = map[string]string{
	"this server takes no sealed identity":                                                                               "ce serveur ne prend aucune identité scellée",
	"sealed for another key than this server's (%s): type the name again":                                                "scellé pour une autre clé que celle de ce serveur (%s) : saisissez le nom à nouveau",
	"sealed by an older version of the app, accepted until %s only: type the name again":                                 "scellé par une ancienne version de l’application, acceptée jusqu’au %s seulement : saisissez le nom à nouveau",
	"sealed by an older version of the app and already used for another record: type the name again":                     "scellé par une ancienne version de l’application et déjà utilisé pour un autre enregistrement : saisissez le nom à nouveau",
	"does not open for this command (sealed for another person, region or use, or altered): type the name again":         "ne s’ouvre pas pour cette commande (scellé pour une autre personne, une autre région ou un autre usage, ou altéré) : saisissez le nom à nouveau",
	"names an object that is already another one: this row was imported before with other answers":                       "désigne un objet qui en est déjà un autre : cette ligne a déjà été importée avec d’autres réponses",
	"what this row changes kept changing while it was imported: import the file again":                                   "ce que change cette ligne a changé pendant l’import : importez le fichier à nouveau",
	"is every region's (national or international level): only an admin or advocacy may write it":                        "concerne toutes les régions (niveau national ou international) : seuls un·e admin ou le plaidoyer peuvent l’écrire",
	"%q is not one of your regions (%s)":                                                                                 "%q n’est pas l’une de vos régions (%s)",
	"your token's role may not %s":                                                                                       "le rôle de votre jeton ne permet pas %s",
	"your token's role may not read a name through a browser session (the web app shows codes only); use a bearer token": "le rôle de votre jeton ne permet pas de lire un nom dans une session de navigateur (l’application web ne montre que les codes) : présentez un jeton (Authorization: Bearer)",
	"your token's role may not open a verifier's identity":                                                               "le rôle de votre jeton ne permet pas d’ouvrir l’identité d’une personne vérificatrice",
	"a browser session may not do this: send your token itself (Authorization: Bearer)":                                  "une session de navigateur ne le permet pas : présentez votre jeton lui-même (Authorization: Bearer)",
	"%s is on row %d too": "%s figure aussi à la ligne %d",
	"%q is not a palabre id: leave it empty for a new one": "%q n’est pas un identifiant palabre : laissez-le vide pour en créer un",
	"is required":                  "est obligatoire",
	"is required (one of %s)":      "est obligatoire (l’une des valeurs %s)",
	"is longer than %d characters": "dépasse %d caractères",
	"is one line: it holds a line break or a tab at character %d":   "tient sur une ligne : il contient un saut de ligne ou une tabulation au caractère %d",
	"holds the control character U+%04X at character %d: remove it": "contient le caractère de contrôle U+%04X au caractère %d : retirez-le",
	"holds bytes that are not text (UTF-8) at character %d":         "contient des octets qui ne sont pas du texte (UTF-8) au caractère %d",
	"%q is not one of %s":                                                          "%q n’est pas l’une des valeurs %s",
	"is in the future (%s)":                                                        "est dans le futur (%s)",
	"is before %s, the earliest date kept (%s)":                                    "est antérieure au %s, la plus ancienne date conservée (%s)",
	"%q is not a region of this deployment":                                        "%q n’est pas une région de ce déploiement",
	"%q is not an excluded group of this deployment":                               "%q n’est pas un groupe exclu de ce déploiement",
	"%q is neither %v nor an excluded group of this deployment":                    "%q n’est ni %v ni un groupe exclu de ce déploiement",
	"%q is already another participant's code in this region":                      "%q est déjà le code d’un·e autre participant·e de cette région",
	"%q is listed twice":                                                           "%q figure deux fois",
	"%d exceeds the headcount's total of %d":                                       "%d dépasse le total des non-inscrits (%d)",
	"%d is not a plausible birth year":                                             "%d n’est pas une année de naissance plausible",
	"%s is before the commitment was made (%s)":                                    "%s est antérieure à la date de l’engagement (%s)",
	"a birth year or an age band is required":                                      "une année de naissance ou une tranche d’âge est obligatoire",
	"a participant is enrolled only with their informed consent":                   "on n’inscrit une personne qu’avec son consentement éclairé",
	"dialogue %s does not exist":                                                   "le dialogue %s n’existe pas",
	"dialogue %s has been retracted":                                               "le dialogue %s a été retiré",
	"dialogue %s was held in another space":                                        "le dialogue %s s’est tenu dans un autre espace",
	"give a birth year or an age band, not both":                                   "donnez une année de naissance ou une tranche d’âge, pas les deux",
	"is before the space was established (%s)":                                     "est antérieure à la création de l’espace (%s)",
	"is not a sealed identity":                                                     "n’est pas une identité scellée",
	"must be 1–40 letters, digits, '-' or '_' (a pseudonymous code, never a name)": "doit faire 1 à 40 lettres, chiffres, « - » ou « _ » (un code, jamais un nom)",
	"must be between 0 and %d, not %d":                                             "doit être entre 0 et %d, pas %d",
	"must be between 0 and 100 (percent), not %g":                                  "doit être entre 0 et 100 (pour cent), pas %g",
	"must be between 0 and a week, not %d":                                         "doit être entre 0 et une semaine, pas %d",
	"commitment %s does not exist":                                                 "l’engagement %s n’existe pas",
	"commitment %s has no progress report %d (it has %d)":                          "l’engagement %s n’a pas de point d’avancement n° %d (il en a %d)",
	"is only for a progress report":                                                "ne vaut que pour un point d’avancement",
	"no such outcome":                                                              "changement introuvable",
	"the outcome is already recorded":                                              "le changement est déjà enregistré",
	"no such substantiation request":                                               "demande de vérification introuvable",
	"is already a request of this outcome":                                         "est déjà une demande de vérification de ce changement",
	"the verifier's answer is already recorded":                                    "la réponse de la personne vérificatrice est déjà enregistrée",
	"%s is before the change it substantiates (%s)":                                "%s est antérieure au changement à vérifier (%s)",
	"%s is before the request (%s)":                                                "%s est antérieure à la demande (%s)",
	"no such commitment":                                                           "engagement introuvable",
	"no such dialogue":                                                             "dialogue introuvable",
	"no such participant":                                                          "participant·e introuvable",
	"no such space":                                                                "espace introuvable",
	"no such stakeholder":                                                          "partie prenante introuvable",
	"participant %s has been erased":                                               "le/la participant·e %s a été effacé·e",
	"participant %s is listed twice":                                               "le/la participant·e %s figure deux fois",
	"participant %s is not enrolled":                                               "le/la participant·e %s n’est pas inscrit·e",
	"space %s does not exist":                                                      "l’espace %s n’existe pas",
	"space %s is closed":                                                           "l’espace %s est fermé",
	"stakeholder %s is listed twice":                                               "la partie prenante %s figure deux fois",
	"stakeholder %s is not registered":                                             "la partie prenante %s n’est pas enregistrée",
	"the commitment is %s and takes no further change":                             "l’engagement est %s et ne change plus",
	"the commitment is already recorded":                                           "l’engagement est déjà enregistré",
	"the dialogue has been retracted":                                              "le dialogue a été retiré",
	"the dialogue is already recorded":                                             "le dialogue est déjà enregistré",
	"the participant has been erased":                                              "le/la participant·e a été effacé·e",
	"the participant is already enrolled":                                          "le/la participant·e est déjà inscrit·e",
	"the space is already established":                                             "l’espace existe déjà",
	"the space is closed":                                                          "l’espace est fermé",
	"the stakeholder is already registered":                                        "la partie prenante est déjà enregistrée",
	"%q is not a date (YYYY-MM-DD)":                                                "%q n’est pas une date (AAAA-MM-JJ)",
	"%q is not a whole number":                                                     "%q n’est pas un nombre entier",
	"%q is not a space of this server: download the form again":                    "%q n’est pas un espace de ce serveur : téléchargez à nouveau le formulaire",
	"%q is not a stakeholder of this server: download the form again":              "%q n’est pas une partie prenante de ce serveur : téléchargez à nouveau le formulaire",
	"the code %s is held by two participants: correct one of them first":           "le code %s est porté par deux participant·es : corrigez d’abord l’un des deux",
	"no participant has the code %s: enrol them first, or answer yes to “not yet enrolled” with their profile":                                                                                       "aucun·e participant·e n’a le code %s : inscrivez la personne d’abord, ou répondez oui à « pas encore inscrit·e » avec son profil",
	"a dialogue stays in its space: retract it and log it in the other space":                                                                                                                        "un dialogue reste dans son espace : retirez-le et consignez-le dans l’autre espace",
	"the submission is marked not approved in Kobo; submissions not approved (Kobo) or rejected (ODK Central) are refused":                                                                           "la soumission est marquée « non approuvée » dans Kobo ; sont refusées les soumissions « non approuvées » (Kobo) et « rejetées » (ODK Central)",
	"the submission is marked rejected in ODK Central; submissions not approved (Kobo) or rejected (ODK Central) are refused":                                                                        "la soumission est marquée « rejetée » dans ODK Central ; sont refusées les soumissions « non approuvées » (Kobo) et « rejetées » (ODK Central)",
	"this submission could not be applied: the other rows go on; tell your administrator":                                                                                                            "cette soumission n’a pas pu être appliquée : les autres lignes continuent ; prévenez votre administrateur·rice",
	"this commitment is followed up in palabre (fulfilled or broken): an edit of the submission does not replace it; correct it in palabre":                                                          "cet engagement a déjà un suivi dans palabre (tenu ou rompu) : une modification de la soumission ne le remplace pas ; corrigez-le dans palabre",
	"Kobo's CSV holds no repeat group (attendees, concerns, commitments: only the first sheet is written to it): nothing is imported; export as XLSX, which holds them, with XML values and headers": "le CSV de Kobo ne contient pas les groupes répétés (participant·es, préoccupations, engagements : seule la première feuille y est écrite) : rien n’est importé ; exportez en XLSX, qui les contient, avec les valeurs et en-têtes XML",
	"the headers are the form's labels, not its names: nothing is imported; export with XML values and headers":                                                                                      "les en-têtes sont les libellés du formulaire, pas ses noms : rien n’est importé ; exportez avec les valeurs et en-têtes XML (Kobo : « XML values and headers »)",
	"%q is not a key (letters, digits, '.', '_' or '-', at most 20)":                                                                                                                                 "%q n’est pas une clé (lettres, chiffres, « . », « _ » ou « - », 20 au plus)",
	"%d is not a year between 2000 and 2100":                                   "%d n’est pas une année entre 2000 et 2100",
	"must begin with the reporting organisation's reference (%s-…)":            "doit commencer par la référence de l’organisation qui publie (%s-…)",
	"%q is not a country code (ISO 3166-1, two capitals: ML)":                  "%q n’est pas un code de pays (ISO 3166-1, deux majuscules : ML)",
	"%s is before startOn (%s)":                                                "%s est antérieure au début (startOn, %s)",
	"%q is not a web address (https://…)":                                      "%q n’est pas une adresse web (https://…)",
	"%q is another partner's key":                                              "%q est déjà la clé d’un autre partenaire",
	"is required: the regions the partner works in":                            "est obligatoire : les régions où travaille le partenaire",
	"partner %q has values entered: it stays":                                  "le partenaire %q a des valeurs saisies : il reste",
	"no outcome %q in this framework":                                          "pas d’effet %q dans ce cadre de résultats",
	"no result %q in this framework":                                           "pas de résultat %q dans ce cadre de résultats",
	"%d has another target":                                                    "l’année %d a déjà une cible",
	"the framework names no vocabulary (vocabulary.uri) for the donor's codes": "le cadre ne nomme pas de vocabulaire (vocabulary.uri) pour les codes du bailleur",
	"the indicator has values entered by hand: it stays entered":               "l’indicateur a des valeurs saisies à la main : il reste saisi",
	"a qualitative indicator takes a comment, not a value":                     "un indicateur qualitatif prend un commentaire, pas une valeur",
	"is required for a qualitative indicator":                                  "est obligatoire pour un indicateur qualitatif",
	"is required for a %s indicator":                                           "est obligatoire pour un indicateur de type %s",
	"%v is not a percentage between 0 and 100":                                 "%v n’est pas un pourcentage entre 0 et 100",
	"%v is beyond %v, more than any figure a programme reports":                "%v dépasse %v, plus qu’aucun chiffre qu’un programme rapporte",
	"%v is negative":                                                  "%v est négatif",
	"rule %s gives a %s indicator":                                    "la règle %s donne un indicateur de type %s",
	"rule %q takes no pillar":                                         "la règle %q ne prend pas de pilier",
	"is required: the excluded group whose share is computed":         "est obligatoire : le groupe exclu dont la part est calculée",
	"rule %q takes no group":                                          "la règle %q ne prend pas de groupe",
	"rule %q takes no space":                                          "la règle %q ne prend pas d’espace",
	"no indicator %q in this framework":                               "pas d’indicateur %q dans ce cadre de résultats",
	"indicator %q is computed by rule %s: its values are not entered": "l’indicateur %q est calculé par la règle %s : ses valeurs ne se saisissent pas",
	"no partner %q in this framework":                                 "pas de partenaire %q dans ce cadre de résultats",
	"is required: where the value can be checked (a report, a dialogue, a commitment)": "est obligatoire : où vérifier la valeur (un rapport, un dialogue, un engagement)",
	"holds more than 20 items":         "compte plus de 20 éléments",
	"the framework is already defined": "le cadre de résultats est déjà défini",
	"rule %q takes no change type":     "la règle %q ne prend pas de type de changement",
	"no such framework":                "cadre de résultats introuvable",
	"the donor report covers every region: a token scoped to regions may not make it": "le rapport au bailleur couvre toutes les régions : un jeton limité à des régions ne peut pas le produire",
	// The read service's and the API's refusals (read.BadInputIn).
	"%s is outside the dates a view may cover (%s to %s)":                                           "%s est hors des dates qu’une vue peut couvrir (du %s au %s)",
	"%s buckets from %s to %s make %d rows; at most %d: narrow from and to, or use a longer bucket": "des périodes %s du %s au %s font %d lignes ; au plus %d : resserrez from et to, ou prenez une période plus longue",
	"%s is before from (%s)":                         "%s est antérieure à from (%s)",
	"past views are not available on this server":    "les vues passées ne sont pas disponibles sur ce serveur",
	"a facilitator of several regions names one: %s": "un·e facilitateur·rice de plusieurs régions en nomme une : %s",
	"this token has had its share of new past views for now; try again in %s, or ask for a moment already viewed": "ce jeton a eu sa part de nouvelles vues passées pour l’instant ; réessayez dans %s, ou demandez un moment déjà vu",
	"the request body is over the limit of %s": "le corps de la requête dépasse la limite de %s",
	"this request would cost about %d (units of about 2 µs: every field one, lists times their first or their length, an inclusion view its dialogues and cells); the budget is %d: narrow the view (one region, a shorter period), ask for fewer items, or split it": "cette requête coûterait environ %d (en unités d’environ 2 µs : un par champ, les listes multipliées par leur first ou leur longueur, une vue d’inclusion par ses dialogues et ses cellules) ; le budget est de %d : resserrez la vue (une région, une période plus courte), demandez moins d’éléments, ou scindez la requête",
}
