package graphql

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/graphql/read"
)

// A refused command tells each field at fault and why, in the reader's
// language: English, or French when the request prefers it
// (Accept-Language). The deciders' reasons are templates; frenchReasons
// says each one in French, with the same verbs in the same order, and a
// test checks every template the domain uses is there.

// readerLanguage is "fr" when the request prefers French, else "en".
func readerLanguage(r *http.Request) string {
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "fr"):
			return "fr"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return "en"
}

// refusal is a command's problems as a client reads them.
func refusal(problems domain.Problems, language string) error {
	out := &coded{Code: CodeBadUserInput, Field: "input." + problems[0].Field}
	parts := make([]string, len(problems))
	for i, p := range problems {
		message := p.Reason
		if fr, ok := frenchReasons[p.Template]; ok && language == "fr" && p.Template != "" {
			message = fmt.Sprintf(fr, p.Args...)
		}
		out.Problems = append(out.Problems, read.FieldProblem{Field: "input." + p.Field, Message: message})
		parts[i] = p.Field + ": " + message
	}
	out.Message = strings.Join(parts, "; ")
	return out
}

var frenchReasons = map[string]string{
	"is required":                                                                  "est obligatoire",
	"is required (one of %s)":                                                      "est obligatoire (l’une des valeurs %s)",
	"is longer than %d characters":                                                 "dépasse %d caractères",
	"%q is not one of %s":                                                          "%q n’est pas l’une des valeurs %s",
	"is in the future (%s)":                                                        "est dans le futur (%s)",
	"%q is not a region of this deployment":                                        "%q n’est pas une région de ce déploiement",
	"%q is not an excluded group of this deployment":                               "%q n’est pas un groupe exclu de ce déploiement",
	"%q is neither %v nor an excluded group of this deployment":                    "%q n’est ni %v ni un groupe exclu de ce déploiement",
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
}
