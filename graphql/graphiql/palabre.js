// Starts GraphiQL against this server. Every request needs a token: paste
// {"Authorization": "Bearer plb_…"} into the Headers tab below the query.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: '/graphql' });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultEditorToolsVisibility: 'headers',
    headers: JSON.stringify({ Authorization: 'Bearer paste-your-token-here' }, null, 2),
    defaultQuery: '# Paste your token into the Headers tab below, then run:\n{\n  me { subject role regions }\n  spaces(first: 5) { edges { node { id name region pillar } } }\n}\n'
  }));
})();
