package graphql

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/domain"
)

// A refused command tells each field at fault and why, in the reader's
// language: English, or French when the request prefers it
// (Accept-Language). The deciders' reasons are templates; frenchReasons
// says each one in French, with the same verbs in the same order, and a
// test checks every template the domain uses is there.

// readerLanguage is "fr" when the request prefers French, else "en".
func readerLanguage(r *http.Request) string {
	best, weight := "en", 0.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		for _, language := range []string{"fr", "en"} {
			// The first of the highest weight wins; q=0 refuses a language.
			if (tag == language || strings.HasPrefix(tag, language+"-")) && q > weight {
				best, weight = language, q
			}
		}
	}
	return best
}

// refusal is a command's problems as a client reads them: fields of its
// input.
func refusal(problems domain.Problems, language string) error {
	return refusalAt("input.", problems, language)
}

// refusalAt is problems whose fields are under path (a mutation's
// argument: "input.", or "" for fields named from the arguments' root).
func refusalAt(path string, problems domain.Problems, language string) error {
	out := &coded{Code: CodeBadUserInput, Field: path + problems[0].Field}
	parts := make([]string, len(problems))
	for i, p := range problems {
		message := p.In(language)
		out.Problems = append(out.Problems, read.FieldProblem{Field: path + p.Field, Message: message})
		parts[i] = p.Field + ": " + message
	}
	out.Message = strings.Join(parts, "; ")
	return out
}
