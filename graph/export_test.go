package graph

// WithGQLGenTransports serves GET and POST by gqlgen's transport.GET and
// transport.POST, for tests comparing them with the handler's own.
func WithGQLGenTransports() Option { return func(o *options) { o.gqlgenTransports = true } }

// CountOperationCaches makes the next NewHandler's shared operation caches
// countable: the function returned counts what they hold.
func CountOperationCaches() func() int {
	var d *docCaches
	onDocCaches = func(x *docCaches) { d = x; onDocCaches = nil }
	return func() int { return d.entries() }
}
