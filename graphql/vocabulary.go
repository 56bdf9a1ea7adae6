package graphql

import (
	"strings"

	gql "github.com/graphql-go/graphql"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
)

// A vocabulary is a closed set of codes the domain stores, with the label
// people read in each language, so that no client hard-codes one. The
// codes come from the domain packages; a test checks every code has both
// labels.
type vocabulary struct {
	name   string // the GraphQL enum's name
	codes  []string
	labels map[string][2]string // code → French, English
}

func vocabularies() []vocabulary {
	statuses := []string{string(commitment.Open), string(commitment.Fulfilled), string(commitment.Broken), string(commitment.Withdrawn)}
	roles := make([]string, len(access.Roles))
	for i, r := range access.Roles {
		roles[i] = string(r)
	}
	return []vocabulary{
		{"Sex", participant.Sexes, map[string][2]string{"female": {"Femme", "Woman"}, "male": {"Homme", "Man"}}},
		{"AgeBand", participant.AgeBands, map[string][2]string{"under-15": {"Moins de 15 ans", "Under 15"}, "15-17": {"15 à 17 ans", "15 to 17"},
			"18-24": {"18 à 24 ans", "18 to 24"}, "25-35": {"25 à 35 ans", "25 to 35"}, "36-59": {"36 à 59 ans", "36 to 59"}, "60-plus": {"60 ans et plus", "60 and over"}}},
		{"Displacement", participant.Displacements, map[string][2]string{"none": {"Non déplacé·e", "Not displaced"}, "internally-displaced": {"Déplacé·e interne", "Internally displaced"},
			"returnee": {"Retourné·e", "Returnee"}, "refugee": {"Réfugié·e", "Refugee"}}},
		{"Difficulty", participant.Difficulties, map[string][2]string{"no-difficulty": {"Aucune difficulté", "No difficulty"}, "some-difficulty": {"Quelque difficulté", "Some difficulty"},
			"a-lot-of-difficulty": {"Beaucoup de difficulté", "A lot of difficulty"}, "cannot-do-at-all": {"Ne peut pas du tout", "Cannot do at all"}}},
		{"Pillar", domain.Pillars, map[string][2]string{"security": {"Sécurité", "Security"}, "justice": {"Justice", "Justice"}, "inclusion": {"Inclusion", "Inclusion"}}},
		{"DialogueFormat", dialogue.Formats, map[string][2]string{"community-dialogue": {"Dialogue communautaire", "Community dialogue"}, "committee-meeting": {"Réunion de comité", "Committee meeting"},
			"workshop": {"Atelier", "Workshop"}, "training": {"Formation", "Training"}, "radio-debate": {"Débat radiophonique", "Radio debate"},
			"mobile-court-session": {"Audience foraine", "Mobile court session"}, "exchange-visit": {"Visite d'échange", "Exchange visit"}, "other": {"Autre", "Other"}}},
		{"ConcernCategory", dialogue.ConcernCategories, map[string][2]string{"security": {"Sécurité", "Security"}, "justice": {"Justice", "Justice"}, "governance": {"Gouvernance", "Governance"},
			"access-to-services": {"Accès aux services", "Access to services"}, "land-and-resources": {"Foncier et ressources", "Land and resources"},
			"gender-based-violence": {"Violences basées sur le genre", "Gender-based violence"}, "displacement": {"Déplacement", "Displacement"},
			"livelihoods": {"Moyens de subsistance", "Livelihoods"}, "social-cohesion": {"Cohésion sociale", "Social cohesion"}, "other": {"Autre", "Other"}}},
		{"SpaceKind", space.Kinds, map[string][2]string{"security-advisory-committee": {"Comité consultatif de sécurité", "Security advisory committee"},
			"community-dialogue-forum": {"Espace de dialogue communautaire", "Community dialogue forum"}, "justice-actors-exchange": {"Cadre d'échange des acteurs de la justice", "Justice actors' exchange"},
			"youth-mediator-network": {"Réseau de jeunes médiateurs", "Youth mediator network"}, "womens-association": {"Association de femmes", "Women's association"},
			"youth-association": {"Association de jeunes", "Youth association"}, "other": {"Autre", "Other"}}},
		{"StakeholderType", stakeholder.Types, map[string][2]string{"governor": {"Gouverneur", "Governor"}, "prefect": {"Préfet", "Prefect"}, "sub-prefect": {"Sous-préfet", "Sub-prefect"},
			"mayor": {"Maire", "Mayor"}, "municipal-council": {"Conseil communal", "Municipal council"}, "fama-unit": {"Unité des FAMa", "FAMa unit"}, "gendarmerie": {"Gendarmerie", "Gendarmerie"},
			"police": {"Police", "Police"}, "national-guard": {"Garde nationale", "National guard"}, "court": {"Tribunal", "Court"}, "prosecutor": {"Parquet", "Prosecutor"},
			"village-chief": {"Chef de village", "Village chief"}, "traditional-authority": {"Autorité traditionnelle", "Traditional authority"}, "cadi": {"Cadi", "Cadi"},
			"religious-leader": {"Leader religieux", "Religious leader"}, "cso": {"Organisation de la société civile", "Civil society organisation"},
			"womens-association": {"Association de femmes", "Women's association"}, "youth-association": {"Association de jeunes", "Youth association"}, "media": {"Média", "Media"},
			"ministry": {"Ministère", "Ministry"}, "international-organisation": {"Organisation internationale", "International organisation"}, "other": {"Autre", "Other"}}},
		{"StakeholderLevel", stakeholder.Levels, map[string][2]string{"local": {"Local", "Local"}, "regional": {"Régional", "Regional"}, "national": {"National", "National"}, "international": {"International", "International"}}},
		{"CommitmentStatus", statuses, map[string][2]string{"open": {"En cours", "Open"}, "fulfilled": {"Tenu", "Fulfilled"}, "broken": {"Non tenu", "Broken"}, "withdrawn": {"Retiré", "Withdrawn"}}},
		{"ProgressStatus", commitment.ProgressStatuses, map[string][2]string{"on-track": {"En bonne voie", "On track"}, "at-risk": {"À risque", "At risk"}, "stalled": {"Au point mort", "Stalled"}}},
		{"Beneficiary", commitment.Beneficiaries, map[string][2]string{"women": {"Femmes", "Women"}, "youth": {"Jeunes", "Youth"}, "persons-with-disabilities": {"Personnes handicapées", "Persons with disabilities"},
			"displaced": {"Personnes déplacées", "Displaced people"}, "community": {"Communauté", "Community"}}},
		{"Role", roles, map[string][2]string{"facilitator": {"Facilitateur·rice", "Facilitator"}, "advocacy": {"Chargé·e de plaidoyer", "Advocacy lead"},
			"analyst": {"Analyste / suivi-évaluation", "Analyst / M&E"}, "admin": {"Administrateur·rice", "Administrator"}}},
		{"Bucket", []string{"none", "month", "quarter", "year"}, map[string][2]string{"none": {"Sans découpage", "No buckets"}, "month": {"Mois", "Month"}, "quarter": {"Trimestre", "Quarter"}, "year": {"Année", "Year"}}},
	}
}

// newEnums makes a GraphQL enum of every vocabulary but Bucket (whose
// enum is the view's argument): values named by enumValue, each
// standing for its code, described by its English label.
func newEnums() map[string]*gql.Enum {
	out := map[string]*gql.Enum{}
	for _, v := range vocabularies() {
		if v.name == "Bucket" {
			continue
		}
		values := gql.EnumValueConfigMap{}
		for _, code := range v.codes {
			values[enumValue(code)] = &gql.EnumValueConfig{Value: code, Description: v.labels[code][1]}
		}
		out[v.name] = gql.NewEnum(gql.EnumConfig{Name: v.name, Values: values,
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
			vo := vocabularyOf{name: v.name}
			for _, code := range v.codes {
				vo.terms = append(vo.terms, term{code: code, value: enumValue(code), label: v.labels[code][lang]})
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
		v.terms = append(v.terms, term{code: e.Code, label: e.Label([]string{"fr", "en"}[lang])})
	}
	return v // in the reference data's own order
}
