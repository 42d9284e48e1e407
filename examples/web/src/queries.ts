import { graphql } from './gql';

// One page of an actor's positions, each with its evidence (the quoted words
// and the source they are in). Paged the Relay way: first/after.
export const ActorPositionsQuery = graphql(`
  query ActorPositions($id: ID!, $first: Int!, $after: String) {
    node(id: $id) {
      __typename
      id
      ... on Actor {
        name
        description
        positions(first: $first, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            cursor
            node {
              ...PositionItem
            }
          }
        }
      }
    }
  }
`);

export const PositionItemFragment = graphql(`
  fragment PositionItem on Position {
    id
    version
    stance
    speechAct
    summary
    redLine
    conditions
    proposition {
      id
      text
    }
    evidence {
      quote
      start
      end
      source {
        id
        title
        publisher
        url
      }
    }
  }
`);

// Actors to pick from, by a word of their name.
export const ActorsQuery = graphql(`
  query Actors($name: String, $first: Int!) {
    actors(name: $name, first: $first) {
      edges {
        node {
          __typename
          id
          name
        }
      }
    }
  }
`);

// Every change to a position, as it is recorded (by this server, another
// on the same database, or parley import), with the position's holder now:
// the page re-reads what it shows when the position is one it shows or is
// (now) the shown actor's; changes to other actors' positions pass by.
export const PositionChangesSubscription = graphql(`
  subscription PositionChanges {
    changes(kinds: ["Position"]) {
      seq
      op
      nodeId
      node {
        ... on Position {
          holder {
            id
          }
        }
      }
    }
  }
`);
