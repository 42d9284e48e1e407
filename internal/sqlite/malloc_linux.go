//go:build linux && cgo

package sqlite

/*
#include <malloc.h>

// parley_keep_freed_heap lets C's heap keep up to 8 MiB it has freed
// instead of handing it back to the system at once (glibc's default is
// 128 KiB). SQLite allocates a page cache for every sorter and
// materialized step of a statement (about 90 KiB each) and frees it at the
// end; given back each time, the next statement touches fresh pages and
// pays a page fault for each: search's statement at 1M assertions faulted
// 75 times a run, 1.5 to 2 ms of its 12 ms of CPU (BENCHMARKS.md, "Search
// at 1M"). Go's own memory does not come from this heap.
static void parley_keep_freed_heap(void) {
#ifdef M_TRIM_THRESHOLD
	mallopt(M_TRIM_THRESHOLD, 8 << 20);
#endif
}
*/
import "C"

func init() { C.parley_keep_freed_heap() }
