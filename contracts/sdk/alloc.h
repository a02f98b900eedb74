/*
 * alloc.h — a bump allocator for contracts.
 *
 * A contract call is short-lived: its instance and memory are thrown away when the call ends,
 * so memory is never freed. On wasm32 the heap starts at the linker's __heap_base and grows the
 * linear memory with memory.grow when it runs out; on the host (unit tests) it bumps through a
 * static arena. Allocation failure (memory cap reached) panics the contract with a message:
 * callers never see NULL. Single-threaded.
 */
#ifndef ALLOC_H
#define ALLOC_H

#include <stddef.h>

/* n bytes, 8-byte aligned, uninitialised; returned (never freed). Panics when out of memory. */
void *alloc_bytes(size_t n);

/* The same, zero-filled. */
void *alloc_zeroed(size_t n);

/* A copy of n bytes plus a NUL terminator; p borrowed, result returned. */
char *alloc_dup(const void *p, size_t n);

/* Bytes handed out so far (for tests and diagnostics). */
size_t alloc_used(void);

/* Forgets every allocation: earlier pointers become invalid. For long-running host programs
 * (fuzz targets) that would otherwise exhaust the arena; a contract call never needs it. */
void alloc_reset(void);

#endif
