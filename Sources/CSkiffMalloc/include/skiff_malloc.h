// Why this exists: glibc's <malloc.h> (mallopt, malloc_trim) is not part of Swift's Glibc
// module, and the master needs both to keep its heap from holding freed memory.
#ifndef SKIFF_MALLOC_H
#define SKIFF_MALLOC_H

#include <malloc.h>

/// Caps the number of malloc arenas (glibc creates up to 8 per core for threaded programs).
static inline int skiff_mallopt_arena_max(int arenas) { return mallopt(M_ARENA_MAX, arenas); }

/// Returns free heap pages, including those in the middle of the heap, to the system.
static inline int skiff_malloc_trim(void) { return malloc_trim(0); }

#endif
