package synthetic

import "fmt"

// Names that look like the field's: the bodies and offices of the
// programme's regions as they are called, commitments as they are
// worded. No person is named: participants are codes, and their sealed
// identities are random bytes.

// communes are a few places of each region, where spaces meet and
// offices sit.
var communes = map[string][]string{
	"gao":        {"Gao", "Ansongo", "Bourem", "Wabaria", "Soni Aliber", "N'Tillit", "Tessit"},
	"mopti":      {"Mopti", "Sévaré", "Djenné", "Bandiagara", "Douentza", "Koro", "Bankass", "Ténenkou"},
	"tombouctou": {"Tombouctou", "Goundam", "Diré", "Niafunké", "Gourma-Rharous", "Léré"},
	"bamako":     {"Commune I", "Commune II", "Commune III", "Commune IV", "Commune V", "Commune VI"},
	"menaka":     {"Ménaka", "Andéramboukane", "Inékar", "Tidermène", "Anouzagrène"},
}

// regionNames are the regions as offices name them.
var regionNames = map[string]string{"gao": "Gao", "mopti": "Mopti", "tombouctou": "Tombouctou", "bamako": "Bamako", "menaka": "Ménaka"}

// spaceNames name a space by its kind and commune.
var spaceNames = map[string]string{
	"security-advisory-committee": "Comité consultatif de sécurité de %s",
	"community-dialogue-forum":    "Cadre de concertation communal de %s",
	"justice-actors-exchange":     "Cadre d'échange des acteurs de la justice de %s",
	"youth-mediator-network":      "Réseau des jeunes médiateurs de %s",
	"womens-association":          "Coordination des associations féminines de %s",
	"youth-association":           "Conseil communal de la jeunesse de %s",
	"other":                       "Espace d'entente communautaire de %s",
}

// officeNames name a stakeholder by its type and place ("%s").
var officeNames = map[string]string{
	"governor": "Gouvernorat de %s", "prefect": "Préfecture de %s", "sub-prefect": "Sous-préfecture de %s", "mayor": "Mairie de %s",
	"municipal-council": "Conseil communal de %s", "fama-unit": "Poste de commandement des FAMa de %s", "gendarmerie": "Brigade de gendarmerie de %s",
	"police": "Commissariat de police de %s", "national-guard": "Escadron de la Garde nationale de %s", "court": "Tribunal de grande instance de %s",
	"prosecutor": "Parquet du tribunal de %s", "village-chief": "Chefferie de %s", "traditional-authority": "Conseil des notables de %s",
	"cadi": "Cadi de %s", "religious-leader": "Imamat de la grande mosquée de %s", "cso": "Plateforme de la société civile de %s",
	"womens-association": "Association des femmes leaders de %s", "youth-association": "Association des jeunes pour la paix de %s",
	"media": "Radio communautaire de %s", "ministry": "Direction régionale de la justice de %s", "international-organisation": "Bureau régional d'une agence onusienne à %s",
	"other": "Comité de gestion de %s",
}

// promises are commitments as a space's minutes record them, by pillar.
var promises = map[string][]string{
	"security": {
		"Organiser des patrouilles mixtes sur l'axe du marché les jours de foire",
		"Installer un poste de gendarmerie avancé à l'entrée de la ville",
		"Rendre compte au comité des incidents signalés chaque mois",
		"Mettre en place un numéro vert pour signaler les engins explosifs",
		"Escorter les convois de vivres vers les sites de déplacés",
	},
	"justice": {
		"Tenir une audience foraine par trimestre dans les communes éloignées",
		"Traiter les dossiers de détention préventive de plus de six mois",
		"Désigner un point focal pour l'accès des femmes à la justice",
		"Publier au tableau de la mairie les décisions de conciliation foncière",
	},
	"inclusion": {
		"Réserver un tiers des places du comité aux femmes et aux jeunes",
		"Traduire les comptes rendus en songhaï et en tamasheq",
		"Associer les représentants des déplacés aux réunions du cadre de concertation",
		"Prendre en charge le transport des personnes handicapées aux réunions",
	},
}

func (g *gen) place(region string) string {
	if list := communes[region]; len(list) > 0 {
		return g.pick(list)
	}
	return region
}

func (g *gen) spaceName(kind, region string) string {
	name := fmt.Sprintf(spaceNames[kind], g.place(region))
	if g.spaceNamed[name] {
		name = fmt.Sprintf("%s (%d)", name, len(g.spaces))
	}
	g.spaceNamed[name] = true
	return name
}

func (g *gen) officeName(kind, region string) string {
	where := g.place(region)
	if kind == "governor" {
		where = regionNames[region]
	}
	name := fmt.Sprintf(officeNames[kind], where)
	if g.officeNamed[name] {
		name = fmt.Sprintf("%s (%d)", name, len(g.stakeholders))
	}
	g.officeNamed[name] = true
	return name
}
