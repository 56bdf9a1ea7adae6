package graphql

// outcomesExport is the outcomes a reader may see, with the filters of
// Query.outcomes. No locality: an export travels further than the app,
// and the read service gives none to an answer that leaves it
// (read.MayReadOutcomeLocality).
func outcomesExport() export {
	return export{
		query: `query($after: String, $region: String, $changeType: ChangeType, $tag: String, $actorId: ID, $cites: ID) {
		  outcomes(first: 100, after: $after, region: $region, changeType: $changeType, tag: $tag, actorId: $actorId, cites: $cites) {
		    pageInfo { hasNextPage endCursor }
		    edges { node { id on changeType region actor { name } description significance contribution othersContribution intended tags
		      substantiation public evidence { id } } } } }`,
		params: map[string]string{"region": "String", "changeType": "ChangeType", "tag": "String", "actorId": "ID", "cites": "ID"},
		columns: []column{{"Identifiant", "Id", text}, {"Date", "On", date}, {"Type de changement", "Change type", text}, {"Région", "Region", text},
			{"Acteur social", "Social actor", text}, {"Ce qui a changé", "Description", text}, {"Importance", "Significance", text},
			{"Contribution de l’alliance", "Contribution", text}, {"Contribution d’autres acteurs", "Others' contribution", text},
			{"Recherché", "Intended", text}, {"Mots-clés", "Tags", text}, {"Vérification", "Substantiation", text}, {"Public", "Public", text},
			{"Preuves dans le journal", "Evidence in the log", number}},
		rows: func(data map[string]any) ([][]cell, string) {
			var rows [][]cell
			for _, e := range asSlice(at(data, "outcomes", "edges")) {
				n := at(e, "node")
				rows = append(rows, []cell{at(n, "id"), at(n, "on"), code(at(n, "changeType")), at(n, "region"), at(n, "actor", "name"),
					at(n, "description"), at(n, "significance"), at(n, "contribution"), at(n, "othersContribution"), at(n, "intended"),
					joined(at(n, "tags"), ""), code(at(n, "substantiation")), at(n, "public"), len(asSlice(at(n, "evidence")))})
			}
			return rows, nextPage(at(data, "outcomes", "pageInfo"))
		}}
}
