package graph

// WithGQLGenTransports serves GET and POST by gqlgen's transport.GET and
// transport.POST, for tests comparing them with the handler's own.
func WithGQLGenTransports() Option { return func(o *options) { o.gqlgenTransports = true } }
