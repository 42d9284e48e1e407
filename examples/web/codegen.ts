// Types for the app's operations, generated from the repository's
// schema.graphql (make schema keeps it in step with the server):
//   npm run codegen        (CI checks that src/gql is up to date)
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../../schema.graphql',
  documents: ['src/**/*.tsx', 'src/**/*.ts', '!src/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // Parley's custom scalars, as the README's codegen recipe maps them.
        scalars: { PartialDate: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};
export default config;
