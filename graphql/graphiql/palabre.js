// Starts GraphiQL against this server. The schema (Docs, autocompletion)
// loads without a token; every query needs one: paste it after "Bearer "
// in the Headers tab below the query.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: '/graphql' });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultEditorToolsVisibility: 'headers',
    headers: JSON.stringify({ Authorization: 'Bearer ' }, null, 2),
    defaultQuery: '# Paste your token after "Bearer " in the Headers tab below, then run:\n{\n  me { subject role regions }\n  spaces(first: 5) { edges { node { id name region pillar } } }\n}\n'
  }));
})();
