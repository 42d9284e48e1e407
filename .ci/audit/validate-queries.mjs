// Checks that every query the explorer page sends is valid against the
// committed schema, with graphql-js: a schema change that breaks the page
// fails CI.   node validate-queries.mjs schema.graphql QUERY_DIR
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';

const [schemaFile, dir] = process.argv.slice(2);
const schema = buildSchema(readFileSync(schemaFile, 'utf8'));
let bad = 0;
const files = readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort();
for (const f of files) {
  let errors;
  try {
    errors = validate(schema, parse(readFileSync(join(dir, f), 'utf8')));
  } catch (e) {
    errors = [e];
  }
  if (errors.length) {
    bad++;
    for (const e of errors) console.log(`FAIL ${f}: ${e.message}`);
  } else {
    console.log(`ok   ${f}`);
  }
}
console.log(`page queries: ${files.length - bad} valid, ${bad} invalid against ${schemaFile}`);
process.exit(bad || files.length === 0 ? 1 : 0);
