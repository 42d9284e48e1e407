/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** A kind of write. */
export type ChangeOp =
  /** A node was created. */
  | 'CREATE'
  /** A node was deleted. */
  | 'DELETE'
  /** An assertion was deprecated. */
  | 'DEPRECATE'
  /** A node was created or replaced by an import. */
  | 'IMPORT'
  /** A commitment's status was rated. */
  | 'RATE'
  /** A position was superseded by a new one. */
  | 'SUPERSEDE'
  /** A node was changed. */
  | 'UPDATE';

/** The act by which a position was taken (after CAMEO and PLOVER). */
export type SpeechAct =
  /** Accepts it. */
  | 'ACCEPTS'
  /** Concedes it. */
  | 'CONCEDES'
  /** Demands it. */
  | 'DEMANDS'
  /** Floats it: puts it forward tentatively. */
  | 'FLOATS'
  /** Promises it. */
  | 'PROMISES'
  /** Proposes it. */
  | 'PROPOSES'
  /** Rejects it. */
  | 'REJECTS'
  /** States it. */
  | 'STATES'
  /** Threatens it. */
  | 'THREATENS';

/** What a holder thinks of a proposition. */
export type Stance =
  /** For it, on conditions. */
  | 'CONDITIONALLY_SUPPORTS'
  /** Willing to consider it. */
  | 'OPEN_TO'
  /** Against it. */
  | 'OPPOSES'
  /** For it. */
  | 'SUPPORTS'
  /** Not decided. */
  | 'UNDECIDED';

export type ActorPositionsQueryVariables = Exact<{
  id: string | number;
  first: number;
  after?: string | null | undefined;
}>;


export type ActorPositionsQuery = { node:
    | { __typename: 'Claim', id: string }
    | { __typename: 'Commitment', id: string }
    | { __typename: 'Document', id: string }
    | { __typename: 'Event', id: string }
    | { __typename: 'Group', name: string, description: string | null, id: string, positions: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, version: number, stance: Stance, speechAct: SpeechAct, summary: string | null, redLine: boolean, conditions: Array<string>, proposition: { id: string, text: string }, evidence: Array<{ quote: string, start: number, end: number, source: { id: string, title: string, publisher: string | null, url: string | null } }> } }> } }
    | { __typename: 'Issue', id: string }
    | { __typename: 'Organization', name: string, description: string | null, id: string, positions: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, version: number, stance: Stance, speechAct: SpeechAct, summary: string | null, redLine: boolean, conditions: Array<string>, proposition: { id: string, text: string }, evidence: Array<{ quote: string, start: number, end: number, source: { id: string, title: string, publisher: string | null, url: string | null } }> } }> } }
    | { __typename: 'Participation', id: string }
    | { __typename: 'Person', name: string, description: string | null, id: string, positions: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, version: number, stance: Stance, speechAct: SpeechAct, summary: string | null, redLine: boolean, conditions: Array<string>, proposition: { id: string, text: string }, evidence: Array<{ quote: string, start: number, end: number, source: { id: string, title: string, publisher: string | null, url: string | null } }> } }> } }
    | { __typename: 'Position', id: string }
    | { __typename: 'Proposition', id: string }
    | { __typename: 'Relation', id: string }
    | { __typename: 'Requirement', id: string }
    | { __typename: 'Role', id: string }
    | { __typename: 'Source', id: string }
    | { __typename: 'State', name: string, description: string | null, id: string, positions: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, version: number, stance: Stance, speechAct: SpeechAct, summary: string | null, redLine: boolean, conditions: Array<string>, proposition: { id: string, text: string }, evidence: Array<{ quote: string, start: number, end: number, source: { id: string, title: string, publisher: string | null, url: string | null } }> } }> } }
    | { __typename: 'Statement', id: string }
   | null };

export type PositionItemFragment = { id: string, version: number, stance: Stance, speechAct: SpeechAct, summary: string | null, redLine: boolean, conditions: Array<string>, proposition: { id: string, text: string }, evidence: Array<{ quote: string, start: number, end: number, source: { id: string, title: string, publisher: string | null, url: string | null } }> };

export type ActorsQueryVariables = Exact<{
  name?: string | null | undefined;
  first: number;
}>;


export type ActorsQuery = { actors: { edges: Array<{ node:
        | { __typename: 'Group', id: string, name: string }
        | { __typename: 'Organization', id: string, name: string }
        | { __typename: 'Person', id: string, name: string }
        | { __typename: 'State', id: string, name: string }
       }> } };

export type PositionChangesSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type PositionChangesSubscription = { changes: { seq: number, op: ChangeOp, nodeId: string, node:
      | { holder:
          | { id: string }
          | { id: string }
          | { id: string }
          | { id: string }
         }
      | Record<PropertyKey, never>
     | null } };

export const PositionItemFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PositionItem"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Position"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"stance"}},{"kind":"Field","name":{"kind":"Name","value":"speechAct"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"redLine"}},{"kind":"Field","name":{"kind":"Name","value":"conditions"}},{"kind":"Field","name":{"kind":"Name","value":"proposition"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"evidence"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"quote"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"end"}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"publisher"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}}]}}]}}]} as unknown as DocumentNode<PositionItemFragment, unknown>;
export const ActorPositionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ActorPositions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Actor"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"positions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PositionItem"}}]}}]}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PositionItem"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Position"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"stance"}},{"kind":"Field","name":{"kind":"Name","value":"speechAct"}},{"kind":"Field","name":{"kind":"Name","value":"summary"}},{"kind":"Field","name":{"kind":"Name","value":"redLine"}},{"kind":"Field","name":{"kind":"Name","value":"conditions"}},{"kind":"Field","name":{"kind":"Name","value":"proposition"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}}]}},{"kind":"Field","name":{"kind":"Name","value":"evidence"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"quote"}},{"kind":"Field","name":{"kind":"Name","value":"start"}},{"kind":"Field","name":{"kind":"Name","value":"end"}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"publisher"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}}]}}]}}]} as unknown as DocumentNode<ActorPositionsQuery, ActorPositionsQueryVariables>;
export const ActorsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Actors"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"actors"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ActorsQuery, ActorsQueryVariables>;
export const PositionChangesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"PositionChanges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"changes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"kinds"},"value":{"kind":"ListValue","values":[{"kind":"StringValue","value":"Position","block":false}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"op"}},{"kind":"Field","name":{"kind":"Name","value":"nodeId"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Position"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"holder"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<PositionChangesSubscription, PositionChangesSubscriptionVariables>;