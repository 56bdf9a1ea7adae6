// Prints the standard introspection query (`node check.mjs query`), or
// reads an introspection answer on stdin and checks that graphql-js builds
// a client schema from it (`node check.mjs build`), printing what the
// palabre test checks: the Query type's description and its fields.
// `node check.mjs sdl FILE` reads an introspection answer on stdin and
// prints, as JSON, the served schema and the schema language of FILE,
// each as graphql-js prints it (printSchema, types sorted), so that a test
// sees whether the file publishes everything the server serves.
import { readFileSync } from "node:fs";
import { getIntrospectionQuery, buildClientSchema, buildSchema, lexicographicSortSchema, printSchema } from "graphql";

const options = { descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true };

async function readStdin() {
  let input = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) input += chunk;
  return input;
}

if (process.argv[2] === "query") {
  process.stdout.write(getIntrospectionQuery(options));
} else if (process.argv[2] === "sdl") {
  const served = buildClientSchema(JSON.parse(await readStdin()).data);
  const published = buildSchema(readFileSync(process.argv[3], "utf8"));
  const print = (schema) => printSchema(lexicographicSortSchema(schema));
  process.stdout.write(JSON.stringify({ served: print(served), published: print(published) }));
} else {
  const answer = JSON.parse(await readStdin());
  const schema = buildClientSchema(answer.data);
  const query = schema.getQueryType();
  process.stdout.write(JSON.stringify({ query: query.name, description: query.description ?? null, fields: Object.keys(query.getFields()).sort() }));
}
