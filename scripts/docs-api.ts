import fs from 'fs';
import { API_MD_FILE, apiDocument, endpointTable, OPENAPI_FILE, openApiJson, withEndpointTable } from './lib/api-docs';

/** `npm run docs:api`: regenerates docs/openapi.json and the endpoint table of docs/api.md from the contracts. */
const doc = apiDocument();
fs.writeFileSync(OPENAPI_FILE, openApiJson(doc));
fs.writeFileSync(API_MD_FILE, withEndpointTable(fs.readFileSync(API_MD_FILE, 'utf8'), endpointTable(doc)));
const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
console.log(`docs/openapi.json: ${operations} operations on ${Object.keys(doc.paths).length} paths; docs/api.md: endpoint table updated`);
