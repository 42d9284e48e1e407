package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/parley-graph/parley/internal/metrics"
	"github.com/parley-graph/parley/internal/parley"
)

// NewHandler returns the GraphQL handler over store: GET, POST and OPTIONS
// transports, a parsed-query cache, introspection (the playground needs
// it), automatic persisted queries, per-request dataloaders, and errors
// that carry a stable extensions.code.
func NewHandler(store parley.Store, logger *slog.Logger, opts ...Option) *handler.Server {
	if logger == nil {
		logger = slog.Default()
	}
	o := options{maxSubscriptionConns: DefaultMaxSubscriptionConns, maxSubscriptionsPerConn: DefaultMaxSubscriptionsPerConn, subscriptionBuffer: DefaultSubscriptionBuffer, slowClient: DefaultSlowClient, keepAlive: DefaultKeepAlive, maxFields: DefaultMaxResultFields, maxBytes: DefaultMaxResultBytes}
	for _, opt := range opts {
		opt(&o)
	}
	res := &Resolver{Store: store}
	if v, ok := store.(parley.Versioner); ok {
		sig := o.signal
		if sig == nil {
			sig = NewStoreSignal(v, DefaultPollInterval)
		}
		res.live = &live{hub: newHub(store, sig, o.subscriptionBuffer, o.slowClient, o.metrics), metrics: o.metrics}
	}
	es := NewExecutableSchema(Config{Resolvers: res})
	schema := newSchemaInfo(es.Schema())
	// The prefetch's dry runs use the same executor over resolvers whose
	// store refuses every call (see prefetch.go).
	schema.dry = &executableSchema{SchemaData: es.Schema(), Resolvers: &Resolver{Store: refusing{}}}
	srv := handler.New(es)
	srv.AddTransport(transport.Options{})
	var get, post graphql.Transport = getTransport{}, postTransport{}
	if o.gqlgenTransports {
		get, post = transport.GET{}, transport.POST{}
	}
	srv.AddTransport(get)
	ws, sse := liveTransports(store, o)
	// SSE before POST: POST would take a request for an event stream too.
	srv.AddTransport(sse)
	srv.AddTransport(post)
	srv.AddTransport(ws)
	parsed := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(parsed)
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.SetParserTokenLimit(DefaultMaxTokens)
	srv.Use(&Limits{MaxDepth: DefaultMaxDepth, MaxComplexity: DefaultMaxComplexity, MaxTokens: DefaultMaxTokens, MaxRepeats: DefaultMaxRepeats, MaxIntrospection: DefaultMaxIntrospection, Parsed: parsed})
	cache := newNodeCache()
	docs := &docCaches{}
	if onDocCaches != nil {
		onDocCaches(docs)
	}
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		// Queries share decoded nodes across requests; a mutation reads
		// afresh what it may have just changed.
		c := cache
		oc := graphql.GetOperationContext(ctx)
		if op := oc.Operation; op == nil || op.Operation != ast.Query {
			c = nil
		}
		// The answer cache (AnswerCache) is told what ran and how it
		// ended, to keep the answer or not.
		slot := answerSlotFrom(ctx)
		if slot != nil {
			slot.operation(oc)
		}
		if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Operation == ast.Subscription {
			// A subscription answers one change at a time, for as long
			// as it lives: no budget cancelling it after its first, and
			// loaders of each change's own (see eachChangeAfresh).
			return eachChangeAfresh(next(ctx), func(ctx context.Context) context.Context { return withLoaders(ctx, store, nil, schema, nil, docs) })
		}
		ctx, b := withBudget(ctx, o.maxFields, o.maxBytes)
		answer := b.wrap(next(withLoaders(ctx, store, c, schema, b, docs)))
		if slot == nil {
			return answer
		}
		return func(ctx context.Context) *graphql.Response {
			resp := answer(ctx)
			slot.response(resp)
			return resp
		}
	})
	srv.AroundOperations(introspectionOperations)
	if o.metrics != nil {
		srv.Use(metricsExtension{o.metrics})
	}
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return presentError(ctx, err, logger, store)
	})
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		path := ""
		if fc := graphql.GetFieldContext(ctx); fc != nil {
			path = fc.Path().String()
		}
		logger.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "path", path, "stack", string(debug.Stack()))
		return errors.New("internal error")
	})
	return srv
}

// Option changes how NewHandler's handler works.
type Option func(*options)

type options struct {
	maxFields, maxBytes int64
	metrics             *metrics.Metrics
	requireToken        bool
	origins             []string
	signal              Signal

	maxSubscriptionConns, maxSubscriptionsPerConn, subscriptionBuffer int
	slowClient                                                        time.Duration
	keepAlive                                                         time.Duration

	// gqlgenTransports serves GET and POST by gqlgen's own transports,
	// which postTransport and getTransport replace (for tests that
	// compare the two).
	gqlgenTransports bool
}

// DefaultPollInterval is how often the store's version is read for
// subscriptions (when the store sends no change notices).
const DefaultPollInterval = 200 * time.Millisecond

// WithLive sets who may subscribe over WebSocket: a token in the
// connection_init payload is needed when requireToken is set, and pages of
// other origins than the server's need to be among origins (the CORS
// allow-list).
func WithLive(requireToken bool, origins []string) Option {
	return func(o *options) { o.requireToken, o.origins = requireToken, origins }
}

// WithSignal replaces the poller that wakes subscriptions.
func WithSignal(s Signal) Option { return func(o *options) { o.signal = s } }

// WithSubscriptionLimits sets how many subscription connections
// (WebSocket and Server-Sent Events) may be open at once and how many
// subscriptions one WebSocket connection may carry (each at least 1;
// DefaultMaxSubscriptionConns, DefaultMaxSubscriptionsPerConn).
func WithSubscriptionLimits(conns, perConn int) Option {
	return func(o *options) { o.maxSubscriptionConns, o.maxSubscriptionsPerConn = max(conns, 1), max(perConn, 1) }
}

// DefaultKeepAlive is how often a websocket is sent a keep-alive (a
// graphql-transport-ws "ping", graphql-ws's "ka").
const DefaultKeepAlive = 15 * time.Second

// WithKeepAlive sets how often a websocket is sent a keep-alive.
func WithKeepAlive(d time.Duration) Option { return func(o *options) { o.keepAlive = d } }

// WithSubscriptionBuffer sets how many changes may wait for a client to
// take them (DefaultSubscriptionBuffer), and how long a change may wait
// once they are that many before the client is dropped as too slow
// (DefaultSlowClient).
func WithSubscriptionBuffer(n int, slow time.Duration) Option {
	return func(o *options) { o.subscriptionBuffer, o.slowClient = max(n, 1), slow }
}

// WithResultLimits sets how many fields and bytes of text one answer may
// hold (DefaultMaxResultFields, DefaultMaxResultBytes).
func WithResultLimits(fields, bytes int64) Option {
	return func(o *options) { o.maxFields, o.maxBytes = fields, bytes }
}

// CodeTimeout is the extensions.code of a field cut off by the request's
// time limit.
const CodeTimeout = "TIMEOUT"

// presentError gives every error a stable extensions.code: the domain's
// code for domain errors, the store's STORAGE_* code for a fault of its
// storage (logged too: the operator has to act), GraphQL's own for parse
// and validation errors, and INTERNAL_SERVER_ERROR, with the detail
// logged and not shown, for anything else.
func presentError(ctx context.Context, err error, logger *slog.Logger, store parley.Store) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	defer func() { gerr.Message = cut(gerr.Message, maxMessage) }()
	if sf, ok := store.(parley.StorageFaults); ok {
		if f := sf.StorageFault(err); f != nil {
			logger.ErrorContext(ctx, "storage fault", "code", f.Code, "error", err.Error(), "path", gerr.Path.String())
			gerr.Message = f.Message
			gerr.Extensions = map[string]any{"code": f.Code}
			return gerr
		}
	}
	var de *parley.Error
	switch {
	case errors.As(err, &de) && de.Code != parley.EInternal:
		// Keep gqlgen's message where it names an argument's path
		// ("input: updateRole.input.validFrom …").
		if gerr.Message == de.Error() {
			gerr.Message = de.Message
		}
		if gerr.Extensions == nil {
			gerr.Extensions = map[string]any{}
		}
		gerr.Extensions["code"] = de.Code
		if len(de.Problems) > 0 {
			problems := make([]map[string]any, len(de.Problems))
			for i, p := range de.Problems {
				problems[i] = map[string]any{"path": p.Path, "code": p.Code, "message": p.Message}
			}
			gerr.Extensions["problems"] = problems
		}
		for k, v := range de.Details {
			gerr.Extensions[k] = v
		}
	case gerr.Extensions != nil && gerr.Extensions["code"] != nil:
		// Parse and validation errors: gqlgen has set
		// GRAPHQL_PARSE_FAILED or GRAPHQL_VALIDATION_FAILED.
	case errors.Is(err, context.DeadlineExceeded), errors.Is(ctx.Err(), context.DeadlineExceeded):
		gerr.Message = "the request took longer than the server's time limit: ask for less (smaller pages, fewer fields)"
		gerr.Extensions = map[string]any{"code": CodeTimeout}
	case errors.Is(err, context.Canceled):
		// The client left, or the answer passed its budget (and is
		// replaced by RESPONSE_TOO_LARGE): nobody reads this one.
		gerr.Message = "the request was cancelled"
		gerr.Extensions = map[string]any{"code": "REQUEST_CANCELLED"}
	case isRequestError(err, gerr):
		// The transport could not read the request (a body that is not
		// JSON, a query that is not a string): the client's mistake.
		if gerr.Extensions == nil {
			gerr.Extensions = map[string]any{}
		}
		gerr.Extensions["code"] = "BAD_REQUEST"
		// gqlgen quotes the whole body it could not decode: keep the start.
		if len(gerr.Message) > 300 {
			gerr.Message = gerr.Message[:300] + "…"
		}
	default:
		logger.ErrorContext(ctx, "internal error", "error", err.Error(), "path", gerr.Path.String())
		gerr.Message = "internal error"
		gerr.Extensions = map[string]any{"code": "INTERNAL_SERVER_ERROR"}
	}
	return gerr
}

// isRequestError reports whether err is gqlgen's own complaint about the
// request, made before any resolver ran: a bare gqlerror with no path.
func isRequestError(err error, gerr *gqlerror.Error) bool {
	var ge *gqlerror.Error
	return errors.As(err, &ge) && ge.Unwrap() == nil && len(gerr.Path) == 0
}

// maxMessage is the longest error message shown: messages quote what the
// client sent (an id, a value), and a client may send megabytes.
const maxMessage = 500

// cut shortens s to at most n bytes, on a rune boundary, marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "… (" + strconv.Itoa(len(s)-i) + " more bytes)"
}
