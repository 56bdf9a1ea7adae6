// Prints the standard introspection query (`node check.mjs query`), or
// reads an introspection answer on stdin and checks that graphql-js builds
// a client schema from it (`node check.mjs build`), printing what the
// palabre test checks: the Query type's description and its fields.
import { getIntrospectionQuery, buildClientSchema } from "graphql";

const options = { descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true };

if (process.argv[2] === "query") {
  process.stdout.write(getIntrospectionQuery(options));
} else {
  let input = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) input += chunk;
  const answer = JSON.parse(input);
  const schema = buildClientSchema(answer.data);
  const query = schema.getQueryType();
  process.stdout.write(JSON.stringify({ query: query.name, description: query.description ?? null, fields: Object.keys(query.getFields()).sort() }));
}
