/*
 * borsh.h — the Borsh binary encoding NEAR uses on the wire (reference/near-rpc.md §1):
 * little-endian fixed-width integers, u32-length-prefixed strings and byte vectors, one-byte
 * Option and enum tags, structs as their fields in order.
 *
 * Writing goes into a capped struct yb_buf (buf.h): every writer returns YB_ETOOBIG when the
 * buffer's maximum would be passed, and leaves what was already written in place.
 *
 * Reading is over a borrowed slice with a cursor. Every read is bounds-checked: a short read
 * returns YB_EBORSH_EOF; a length prefix larger than the caller's cap or than the bytes left
 * returns YB_EBORSH_LEN before anything is allocated. On error the cursor position is
 * unspecified; callers stop reading. Slices returned by the reader point into the input and
 * live as long as it does.
 *
 * Thread rules: none; a reader or buffer belongs to one thread at a time.
 */
#ifndef YB_BORSH_H
#define YB_BORSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "codec.h" /* yb_u128 */

/* ---- writer (b borrowed; errors: YB_ETOOBIG) ---- */
int borsh_write_u8(struct yb_buf *b, uint8_t v);
int borsh_write_u16(struct yb_buf *b, uint16_t v);
int borsh_write_u32(struct yb_buf *b, uint32_t v);
int borsh_write_u64(struct yb_buf *b, uint64_t v);
int borsh_write_u128(struct yb_buf *b, yb_u128 v);
int borsh_write_bool(struct yb_buf *b, bool v);
/* [u8; n]: the raw bytes, no length. p borrowed. */
int borsh_write_fixed(struct yb_buf *b, const void *p, size_t n);
/* Vec<u8>: u32 length then the bytes. p borrowed (may be NULL when n is 0; YB_EINVAL otherwise).
 * YB_ETOOBIG also when n > UINT32_MAX. */
int borsh_write_bytes(struct yb_buf *b, const uint8_t *p, size_t n);
/* String: as Vec<u8>, but s must be valid UTF-8 (YB_EUTF8 otherwise, nothing written). */
int borsh_write_string(struct yb_buf *b, const char *s, size_t n);
/* String from a NUL-terminated C string (YB_EINVAL for NULL). */
int borsh_write_cstr(struct yb_buf *b, const char *s);
/* Option tag: 0x00 for None, 0x01 for Some (the value follows, written by the caller). */
int borsh_write_option(struct yb_buf *b, bool present);

/* ---- reader ---- */
struct borsh_reader {
    const uint8_t *p; /* borrowed input */
    size_t n;         /* input length */
    size_t off;       /* next byte to read */
};

/* p borrowed for the reader's lifetime. */
void borsh_reader_init(struct borsh_reader *r, const uint8_t *p, size_t n);
/* Bytes not yet read. */
size_t borsh_reader_remaining(const struct borsh_reader *r);
/* YB_OK when every byte was read, else YB_EBORSH_TRAILING. */
int borsh_reader_finish(const struct borsh_reader *r);

/* Fixed-width integers. Errors: YB_EBORSH_EOF. */
int borsh_read_u8(struct borsh_reader *r, uint8_t *out);
int borsh_read_u16(struct borsh_reader *r, uint16_t *out);
int borsh_read_u32(struct borsh_reader *r, uint32_t *out);
int borsh_read_u64(struct borsh_reader *r, uint64_t *out);
int borsh_read_u128(struct borsh_reader *r, yb_u128 *out);
/* Errors: YB_EBORSH_EOF, YB_EBORSH_BOOL (a byte other than 0 or 1). */
int borsh_read_bool(struct borsh_reader *r, bool *out);
/* Option tag. Errors: YB_EBORSH_EOF, YB_EBORSH_TAG (a byte other than 0 or 1). */
int borsh_read_option(struct borsh_reader *r, bool *present);

/* [u8; n] copied into out (borrowed, n bytes). Errors: YB_EBORSH_EOF. */
int borsh_read_fixed(struct borsh_reader *r, void *out, size_t n);
/* [u8; n] as a slice into the input (*out borrowed from the input). Errors: YB_EBORSH_EOF. */
int borsh_read_fixed_slice(struct borsh_reader *r, size_t n, const uint8_t **out);

/*
 * Vec<u8> as a slice into the input: *out points into r's input, *len is its length.
 * Errors: YB_EBORSH_EOF (no room for the length), YB_EBORSH_LEN (length > cap or > bytes left).
 */
int borsh_read_bytes(struct borsh_reader *r, size_t cap, const uint8_t **out, size_t *len);
/* Vec<u8> copied: *out returned (free()), never NULL on success even when *len is 0. */
int borsh_read_bytes_dup(struct borsh_reader *r, size_t cap, uint8_t **out, size_t *len);

/* String as a slice (not NUL-terminated). Errors as borsh_read_bytes, plus YB_EUTF8. */
int borsh_read_string(struct borsh_reader *r, size_t cap, const char **out, size_t *len);
/*
 * String copied to a NUL-terminated C string (*out returned; free()). Because a C string
 * cannot carry an embedded NUL, one is refused with YB_EMALFORMED (re-encoding would differ).
 * Errors: as borsh_read_string, plus YB_EMALFORMED.
 */
int borsh_read_cstr(struct borsh_reader *r, size_t cap, char **out);

/*
 * The u32 element count of a Vec<T>. Fails with YB_EBORSH_LEN when the count is over cap or
 * when count * min_elem_size exceeds the bytes left (so the caller may allocate count elements
 * safely). min_elem_size is the smallest encoding of one T (at least 1 for non-empty T).
 */
int borsh_read_vec_len(struct borsh_reader *r, size_t cap, size_t min_elem_size, size_t *count);

/* YB_OK when p[0..n) is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF),
 * else YB_EUTF8. p borrowed. */
int borsh_check_utf8(const uint8_t *p, size_t n);

#endif
