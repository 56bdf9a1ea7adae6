package graphql

import (
	"strings"

	gql "github.com/graphql-go/graphql"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/domain/registry"
)

// vocabularies are every closed set of codes with its labels in French
// and English, so that no client hard-codes one: the domain's
// (registry.Vocabularies, each aggregate's own), then the API's. A test
// checks every code has both labels.
func vocabularies() []domain.Vocabulary {
	roles := make([]string, len(access.Roles))
	for i, r := range access.Roles {
		roles[i] = string(r)
	}
	return append(registry.Vocabularies(),
		domain.Vocabulary{Name: "Role", Codes: roles, Labels: map[string]domain.Label{"facilitator": {"Facilitateur·rice", "Facilitator"},
			"advocacy": {"Chargé·e de plaidoyer", "Advocacy lead"}, "analyst": {"Analyste / suivi-évaluation", "Analyst / M&E"},
			"admin": {"Administrateur·rice", "Administrator"}}},
		domain.Vocabulary{Name: "Bucket", Codes: []string{"none", "month", "quarter", "year"}, Labels: map[string]domain.Label{
			"none": {"Sans découpage", "No buckets"}, "month": {"Mois", "Month"}, "quarter": {"Trimestre", "Quarter"}, "year": {"Année", "Year"}}},
	)
}

// newEnums makes a GraphQL enum of every vocabulary but Bucket (whose
// enum is the view's argument): values named by enumValue, each
// standing for its code, described by its English label.
func newEnums() map[string]*gql.Enum {
	out := map[string]*gql.Enum{}
	for _, v := range vocabularies() {
		if v.Name == "Bucket" {
			continue
		}
		values := gql.EnumValueConfigMap{}
		for _, code := range v.Codes {
			values[enumValue(code)] = &gql.EnumValueConfig{Value: code, Description: v.Labels[code].English()}
		}
		out[v.Name] = gql.NewEnum(gql.EnumConfig{Name: v.Name, Values: values,
			Description: "A closed vocabulary; Query.vocabulary gives each value's label in French and English."})
	}
	return out
}

// enumValue is the GraphQL enum value of a code: "community-dialogue" is
// COMMUNITY_DIALOGUE, "15-17" AGE_15_17 (a name cannot start with a digit).
func enumValue(code string) string {
	v := strings.ToUpper(strings.ReplaceAll(code, "-", "_"))
	if v != "" && v[0] >= '0' && v[0] <= '9' {
		v = "AGE_" + v
	}
	return v
}

// languages are the Language enum's, by its values.
var languages = [2]string{"fr", "en"}

// term is one entry of Query.vocabulary.
type term struct{ code, value, label string }

type vocabularyOf struct {
	name  string
	terms []term
}

// vocabularyField is Query.vocabulary: every closed set's codes, enum
// values and labels, and the deployment's regions and excluded groups.
func (b *builder) vocabularyField() *gql.Field {
	language := gql.NewEnum(gql.EnumConfig{Name: "Language", Description: "A language labels are given in.",
		Values: gql.EnumValueConfigMap{"FR": {Value: 0, Description: "Français"}, "EN": {Value: 1, Description: "English"}}})
	termType := gql.NewObject(gql.ObjectConfig{Name: "Term", Description: "One value of a vocabulary.", Fields: gql.Fields{
		"code":  resolve(nonNull(gql.String), func(t term) any { return t.code }),
		"value": resolve(gql.String, func(t term) any { return nilIfEmpty(t.value) }),
		"label": resolve(nonNull(gql.String), func(t term) any { return t.label }),
	}})
	termType.Fields()["code"].Description = "As the API and the events store it."
	termType.Fields()["value"].Description = "The GraphQL enum value; null for regions and groups, which are deployment data."
	vocabType := gql.NewObject(gql.ObjectConfig{Name: "Vocabulary", Fields: gql.Fields{
		"name":  resolve(nonNull(gql.String), func(v vocabularyOf) any { return v.name }),
		"terms": resolve(nonNull(listOf(termType)), func(v vocabularyOf) any { return v.terms }),
	}})
	// The lists are data, made once per language.
	var byLanguage [2][]vocabularyOf
	for lang := range byLanguage {
		for _, v := range vocabularies() {
			vo := vocabularyOf{name: v.Name}
			for _, code := range v.Codes {
				vo.terms = append(vo.terms, term{code: code, value: enumValue(code), label: v.Labels[code].In(languages[lang])})
			}
			byLanguage[lang] = append(byLanguage[lang], vo)
		}
		if b.deps.Handler == nil {
			continue // a read-only API (benchmarks) has no reference data
		}
		if ref, ok := b.deps.Handler.Reference().(*refdata.Data); ok {
			byLanguage[lang] = append(byLanguage[lang], entries("Region", ref.Regions, lang), entries("Group", ref.Groups, lang))
		}
	}
	return &gql.Field{Type: nonNull(listOf(vocabType)), Description: "Every closed vocabulary with its labels, then the deployment's Region and Group lists: clients show these labels and hard-code none.",
		Args: gql.FieldConfigArgument{"language": {Type: language, DefaultValue: 0}},
		Resolve: func(p gql.ResolveParams) (any, error) {
			lang, _ := p.Args["language"].(int)
			return byLanguage[lang], nil
		}}
}

func entries(name string, list []refdata.Entry, lang int) vocabularyOf {
	v := vocabularyOf{name: name}
	for _, e := range list {
		v.terms = append(v.terms, term{code: e.Code, label: e.Label(languages[lang])})
	}
	return v // in the reference data's own order
}
