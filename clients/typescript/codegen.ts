/**
 * Typed documents from the exported schema and the operations the frontend shares
 * with the Python client and the tests. A schema change that breaks an operation
 * fails here (validation) or in `tsc` (a changed result type).
 */
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["../operations/*.graphql"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      // the shared error fragments are plain fields of each result member, not masked refs
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: {
          Base64: "string",
          DateTime: "string",
          Decimal: "string",
          JSON: "Record<string, unknown>",
        },
      },
    },
  },
};

export default config;
