// Example queries the playground opens with, one tab each.
window.PARLEY_EXAMPLES = [
  {
    query: `# Welcome to Parley: the Berlin talks on ending the Russia–Ukraine war.
# Every actor and assertion is backed by the words of the article.
# Run a query with Ctrl-Enter; open the docs (top left) to explore the schema.

query Actors {
  actors(first: 50) {
    totalCount
    edges {
      node {
        __typename
        id
        name
        aliases
      }
    }
  }
}
`,
  },
  {
    query: `# Fetch any node by its id: here, Russia's demand on Donbas,
# with the article's words that back it.
query Position {
  node(id: "pos-russia-demands-donbas") {
    ... on Position {
      holder { name }
      proposition { text issue { name } }
      stance
      speechAct
      attribution { basis by { name } via { name } }
      evidence { quote start end source { title } }
    }
  }
}
`,
  },
  {
    query: `# What the United States is to commit to, or not.
query Commitments {
  nodes(ids: ["com-us-ceasefire-monitoring", "com-us-article-5-like-guarantees", "com-us-no-troops-on-the-ground"]) {
    ... on Commitment {
      id
      obligation
      polarity
      bindingness
      status
      document { title }
      attribution { basis by { name } }
      evidence { quote }
    }
  }
}
`,
  },
  {
    query: `# A statement: who said it, in what words, where.
query Statement {
  node(id: "st-zelenskyy-different-positions") {
    ... on Statement {
      speaker { name }
      mode
      words
      cueVerb
      event { name place }
      evidence { quote start end }
    }
  }
}
`,
  },
];
