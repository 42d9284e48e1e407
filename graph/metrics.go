package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/parley-graph/parley/internal/metrics"
)

// WithMetrics counts every answered operation in m: by name, type and
// outcome, its latency and its errors' codes (once per answer, not per
// field).
func WithMetrics(m *metrics.Metrics) Option { return func(o *options) { o.metrics = m } }

// metricsExtension feeds the metrics from each response.
type metricsExtension struct{ m *metrics.Metrics }

var (
	_ graphql.HandlerExtension    = metricsExtension{}
	_ graphql.ResponseInterceptor = metricsExtension{}
)

func (metricsExtension) ExtensionName() string                   { return "Metrics" }
func (metricsExtension) Validate(graphql.ExecutableSchema) error { return nil }
func (e metricsExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	name, opType, start := "", "unknown", time.Time{}
	if graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		name, start = oc.OperationName, oc.Stats.OperationStart
		// A document that did not parse or validate has no operation:
		// its type is unknown, its name the one the request gave.
		if op := oc.Operation; op != nil {
			opType = string(op.Operation)
			if name == "" {
				name = op.Name
			}
		}
	}
	if start.IsZero() {
		start = graphql.GetStartTime(ctx)
	}
	var d time.Duration
	if !start.IsZero() {
		d = time.Since(start)
	}
	var codes []string
	if resp != nil {
		for _, err := range resp.Errors {
			code, _ := err.Extensions["code"].(string)
			if code == "" {
				code = "UNKNOWN"
			}
			codes = append(codes, code)
		}
	}
	e.m.Request(name, opType, d, codes)
	return resp
}
