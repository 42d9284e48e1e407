package postgres

import "github.com/jackc/pgx/v5/pgxpool"

// PoolStat reports the pgx pool's connections, for the metrics: the
// database/sql pool over it does not see the pool's own uses (COPY,
// LISTEN, pings).
func (db *DB) PoolStat() *pgxpool.Stat { return db.pool.Stat() }
