// Example queries the playground opens with, one tab each: the questions
// analysts ask of the Berlin talks (QUESTIONS.md), answered by the graph.
// Every answer carries the article's words that back it.
window.PARLEY_EXAMPLES = [
  {
    query: `# Welcome to Parley: the Berlin talks on ending
# the Russia–Ukraine war. Every actor and
# assertion is backed by the article's words.
# Run a query with Ctrl-Enter (or the pink
# button); the tabs above hold more examples;
# the docs (book icon, left) show the schema.
#
# 1. Who took part in the Berlin talks, in what
#    role, and for whom?
query Participants {
  node(id: "berlin-talks") {
    ... on Event {
      name
      place
      participations(first: 20) {
        totalCount
        edges {
          node {
            event { name }
            actor {
              name
              ... on Person {
                roles(first: 3) { edges { node { post organization { name } } } }
              }
            }
            role
            onBehalfOf { name }
            evidence { quote }
          }
        }
      }
    }
  }
}
`,
  },
  {
    query: `# 2. Which positions are held on the Donbas
#    territory question, and which conflict?
query Donbas {
  node(id: "donbas") {
    ... on Issue {
      name
      positionsByStance {
        stance
        positions(first: 10) {
          edges {
            node {
              holder { name }
              speechAct
              proposition { text }
              evidence { quote }
            }
          }
        }
      }
      conflicts {
        edges {
          node {
            proposition { text }
            a { holder { name } stance evidence { quote } }
            b { holder { name } stance evidence { quote } }
          }
        }
      }
    }
  }
}
`,
  },
  {
    query: `# 3. Which documents are under discussion, and
#    what does each need? (The article says
#    there are five and names four.)
query Documents {
  node(id: "doc-package") {
    ... on Document {
      title
      packageSize
      refines { title backers { name } }
      documents {
        totalCount
        edges {
          node {
            title
            status
            requirements { kind description actor { name } evidence { quote } }
            evidence { quote }
          }
        }
      }
    }
  }
}
`,
  },
  {
    query: `# 4. What is the United States to commit to,
#    or not?
query USCommitments {
  commitments(promisor: "united-states") {
    edges {
      node {
        obligation
        polarity
        bindingness
        status
        beneficiaries { name }
        document { title }
        requirements { description actor { name } }
        attribution { basis by { name } via { name } }
        evidence { quote }
      }
    }
  }
}
`,
  },
  {
    query: `# 5. What has Zelenskyy said, where, and about
#    what?
query Zelenskyy {
  statements(speaker: "volodymyr-zelenskyy", first: 20) {
    totalCount
    edges {
      node {
        words
        mode
        cueVerb
        event { name }
        venue
        audience { name }
        speakerRoles { post organization { name } }
        expresses {
          __typename
          ... on Position { proposition { text } stance }
          ... on Commitment { obligation }
        }
        evidence { quote start end }
      }
    }
  }
}
`,
  },
  {
    query: `# 6. How are Donald Trump and Vladimir Putin
#    connected? A shortest chain of relations,
#    each link with its evidence.
query TrumpPutin {
  path(from: "donald-trump", to: "vladimir-putin", maxHops: 4) {
    length
    nodes { ... on Node { id } ... on Actor { name } }
    links {
      kind
      from { ... on Node { id } }
      to { ... on Node { id } }
      via { __typename }
      evidence { quote }
    }
  }
}
`,
  },
  {
    query: `# Where do Russia and Ukraine agree and
# disagree? And which claims rest on anonymous
# officials, through which outlet?
query AlignmentAndSources {
  alignment(a: "russia", b: "ukraine") {
    agree
    disagree
    partlyAgree
    items { proposition { text } agreement }
  }
  statements(speaker: "us-officials") {
    edges {
      node {
        words
        attribution { basis via { name } }
        evidence { quote }
      }
    }
  }
}
`,
  },
  {
    query: `# Full-text search: one hit per node, best
# first, the match marked; then the sentences
# of the article that match. Words match by
# their stem (doubt finds "doubtful"), and a
# statement by its speaker's name too.
query SearchDoubt {
  search(query: "doubt") {
    totalCount
    hits {
      field
      snippet
      score
      node {
        __typename
        ... on Node { id }
        ... on Evidenced { evidence { quote } }
      }
      sentence { start end quote }
    }
  }
}
`,
  },
  {
    query: `# A reader asks: which claims rest on
# anonymous officials, and which outlet
# carried them? One field: basis.
query AnonymousClaims {
  claims(basis: ANONYMOUS_OFFICIAL) {
    totalCount
    edges {
      node {
        text
        claimant { name }
        reportedVia { name }
        evidence { quote }
      }
    }
  }
}
`,
  },
  {
    query: `# A reader asks: what does the US promise
# Ukraine, and in which document do they
# meet?
query UsAndUkraine {
  alignment(a: "united-states", b: "ukraine") {
    commitments {
      tie
      commitment { obligation evidence { quote } }
    }
    documents { title evidence { quote } }
  }
}
`,
  },
  {
    query: `# A reader asks: how is Putin linked to
# Kushner? Each link reads along the path;
# reversed marks a link stored the other way.
query PutinToKushner {
  path(from: "vladimir-putin", to: "jared-kushner") {
    length
    links {
      kind
      reversed
      from { ... on Actor { name } }
      to { ... on Actor { name } }
      evidence { quote }
    }
  }
}
`,
  },
  {
    query: `# A reader asks: who speaks for Russia in
# these talks, in which post?
query WhoSpeaksForRussia {
  russia: roles(organization: "russia") {
    edges { node { holder { name } post evidence { quote } } }
  }
  kremlin: roles(organization: "kremlin") {
    edges { node { holder { name } post evidence { quote } } }
  }
}
`,
  },
  {
    query: `# A reader asks: what are Russia's red lines?
# Russia's positions, each marked redLine or
# not, with the article's words, and the
# journalist's own assessments of Russia (the
# heading "Russia's Red Lines" among them).
query RussiaRedLines {
  positions(holder: "russia") {
    edges {
      node {
        redLine
        speechAct
        stance
        proposition { text }
        attribution { basis by { name } }
        evidence { quote }
      }
    }
  }
  claims(about: "russia", basis: JOURNALIST, kind: ASSESSMENT) {
    edges {
      node {
        kind
        text
        evidence { quote }
      }
    }
  }
}
`,
  },
  {
    query: `# A reader asks: what do the analysts say
# about a ceasefire? Their positions and
# claims, one field: basis.
query AnalystsOnCeasefire {
  positions(basis: ANALYST) {
    edges {
      node {
        holder { name }
        stance
        proposition { text }
        evidence { quote }
      }
    }
  }
  claims(basis: ANALYST) {
    edges {
      node {
        text
        claimant { name }
        reportedVia { name }
        evidence { quote }
      }
    }
  }
}
`,
  },
  {
    query: `# A reader asks: who floated the free
# economic zone in Donbas, and who has
# doubts about it?
query FreeEconomicZone {
  positions(proposition: "donbas-free-economic-zone") {
    edges {
      node {
        holder { name }
        speechAct
        stance
        summary
        evidence { quote }
      }
    }
  }
}
`,
  },
  {
    query: `# A reader asks: what does Ukraine refuse?
query UkraineRefuses {
  positions(holder: "ukraine", speechAct: REJECTS) {
    edges {
      node {
        proposition { text }
        attribution { basis by { name } }
        evidence { quote }
      }
    }
  }
}
`,
  },
  {
    query: `# A reader asks: what would the security
# guarantees document take, and what would
# it commit the US to?
query SecurityGuarantees {
  node(id: "doc-security-guarantees") {
    ... on Document {
      title
      status
      requirements { kind description actor { name } evidence { quote } }
      commitments {
        edges {
          node {
            obligation
            polarity
            promisors { name }
            beneficiaries { name }
            evidence { quote }
          }
        }
      }
    }
  }
}
`,
  },
  {
    query: `# A reader asks: how is Merz linked to
# Putin? A link may pass through a claim.
query MerzToPutin {
  path(from: "friedrich-merz", to: "vladimir-putin") {
    length
    links {
      kind
      reversed
      from { ... on Node { id } ... on Actor { name } }
      to { ... on Node { id } ... on Actor { name } }
      evidence { quote }
    }
  }
}
`,
  },
];
