// Starts GraphiQL against this server. The schema (Docs, autocompletion)
// loads without a token; every query needs one: paste it after "Bearer "
// in the Headers tab below the query.
(function () {
  // GraphiQL keeps queries, variables and their history in localStorage;
  // they may carry a name typed for an enrolment, which a shared laptop's
  // next user could read. They live in this tab's memory only, and what
  // earlier versions of this page saved is removed.
  for (var i = localStorage.length - 1; i >= 0; i--) {
    var key = localStorage.key(i);
    if (key && key.indexOf('graphiql:') === 0) localStorage.removeItem(key);
  }
  var kept = new Map();
  var memory = {
    getItem: function (k) { return kept.has(k) ? kept.get(k) : null; },
    setItem: function (k, v) { kept.set(k, String(v)); },
    removeItem: function (k) { kept.delete(k); },
    clear: function () { kept.clear(); },
    get length() { return kept.size; }
  };
  var fetcher = GraphiQL.createFetcher({ url: '/graphql' });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    storage: memory,
    defaultEditorToolsVisibility: 'headers',
    headers: JSON.stringify({ Authorization: 'Bearer ' }, null, 2),
    defaultQuery: '# Paste your token after "Bearer " in the Headers tab below, then run:\n{\n  me { subject role regions }\n  spaces(first: 5) { edges { node { id name region pillar } } }\n}\n'
  }));
})();
