/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ActorPositions($id: ID!, $first: Int!, $after: String) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Actor {\n        name\n        description\n        positions(first: $first, after: $after) {\n          totalCount\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n          edges {\n            cursor\n            node {\n              ...PositionItem\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ActorPositionsDocument,
    "\n  fragment PositionItem on Position {\n    id\n    version\n    stance\n    speechAct\n    summary\n    redLine\n    conditions\n    proposition {\n      id\n      text\n    }\n    evidence {\n      quote\n      start\n      end\n      source {\n        id\n        title\n        publisher\n        url\n      }\n    }\n  }\n": typeof types.PositionItemFragmentDoc,
    "\n  query Actors($name: String, $first: Int!) {\n    actors(name: $name, first: $first) {\n      edges {\n        node {\n          __typename\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.ActorsDocument,
    "\n  subscription PositionChanges {\n    changes(kinds: [\"Position\"]) {\n      seq\n      op\n      nodeId\n      node {\n        ... on Position {\n          holder {\n            id\n          }\n        }\n      }\n    }\n  }\n": typeof types.PositionChangesDocument,
};
const documents: Documents = {
    "\n  query ActorPositions($id: ID!, $first: Int!, $after: String) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Actor {\n        name\n        description\n        positions(first: $first, after: $after) {\n          totalCount\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n          edges {\n            cursor\n            node {\n              ...PositionItem\n            }\n          }\n        }\n      }\n    }\n  }\n": types.ActorPositionsDocument,
    "\n  fragment PositionItem on Position {\n    id\n    version\n    stance\n    speechAct\n    summary\n    redLine\n    conditions\n    proposition {\n      id\n      text\n    }\n    evidence {\n      quote\n      start\n      end\n      source {\n        id\n        title\n        publisher\n        url\n      }\n    }\n  }\n": types.PositionItemFragmentDoc,
    "\n  query Actors($name: String, $first: Int!) {\n    actors(name: $name, first: $first) {\n      edges {\n        node {\n          __typename\n          id\n          name\n        }\n      }\n    }\n  }\n": types.ActorsDocument,
    "\n  subscription PositionChanges {\n    changes(kinds: [\"Position\"]) {\n      seq\n      op\n      nodeId\n      node {\n        ... on Position {\n          holder {\n            id\n          }\n        }\n      }\n    }\n  }\n": types.PositionChangesDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ActorPositions($id: ID!, $first: Int!, $after: String) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Actor {\n        name\n        description\n        positions(first: $first, after: $after) {\n          totalCount\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n          edges {\n            cursor\n            node {\n              ...PositionItem\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ActorPositions($id: ID!, $first: Int!, $after: String) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Actor {\n        name\n        description\n        positions(first: $first, after: $after) {\n          totalCount\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n          edges {\n            cursor\n            node {\n              ...PositionItem\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PositionItem on Position {\n    id\n    version\n    stance\n    speechAct\n    summary\n    redLine\n    conditions\n    proposition {\n      id\n      text\n    }\n    evidence {\n      quote\n      start\n      end\n      source {\n        id\n        title\n        publisher\n        url\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment PositionItem on Position {\n    id\n    version\n    stance\n    speechAct\n    summary\n    redLine\n    conditions\n    proposition {\n      id\n      text\n    }\n    evidence {\n      quote\n      start\n      end\n      source {\n        id\n        title\n        publisher\n        url\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Actors($name: String, $first: Int!) {\n    actors(name: $name, first: $first) {\n      edges {\n        node {\n          __typename\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Actors($name: String, $first: Int!) {\n    actors(name: $name, first: $first) {\n      edges {\n        node {\n          __typename\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription PositionChanges {\n    changes(kinds: [\"Position\"]) {\n      seq\n      op\n      nodeId\n      node {\n        ... on Position {\n          holder {\n            id\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription PositionChanges {\n    changes(kinds: [\"Position\"]) {\n      seq\n      op\n      nodeId\n      node {\n        ... on Position {\n          holder {\n            id\n          }\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;