/*
 * test_vm_reuse.c — a freed memory's reservation is reused by the next memory of the thread
 * (no page faults, no madvise on the common path), and the reused memory reads as zero exactly
 * as a fresh one does, whatever wrote into the previous one: wasm stores at either end (a
 * small extent cleared by memset, a wide one handed back with madvise), memory.fill, memory.copy,
 * memory.init, data segments (also of a failed instantiation), host writes through vm_call_write
 * and through vm_memory_data, a trap after a store, and memory.grow beyond the next memory's size.
 *
 * Every test frees its dirty store, then instantiates wat/plain.wat and checks that its memory
 * sits at the same address (the reuse path really ran) and that every byte of it is zero.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "vm.h"
#include "vm_test_util.h"

#define PAGE      65536ull
#define NEAR_SIZE (VM_NEAR_INITIAL_MEMORY_PAGES * PAGE) /* 64 MiB */
#define MIB       (1ull << 20)

static const uint8_t two_i64[] = {VM_I64, VM_I64};

/* put(ptr, len): 0xab over the guest range through the bounds-checked write. */
static int host_put(struct vm_call *call, void *ctx, const union vm_value *args,
                    union vm_value *results)
{
    uint8_t buf[256];
    memset(buf, 0xab, sizeof(buf));
    if (args[1].i64 > sizeof(buf)) {
        return YB_ETOOBIG;
    }
    return vm_call_write(call, args[0].i64, buf, args[1].i64);
}

/* poke(ptr): 0xcd at ptr, written in place through the raw pointer. */
static int host_poke(struct vm_call *call, void *ctx, const union vm_value *args,
                     union vm_value *results)
{
    struct vm_memory *m = vm_call_memory(call);
    if (args[0].i64 >= vm_memory_size(m)) {
        return YB_EINVAL;
    }
    vm_memory_data(m)[args[0].i64] = 0xcd;
    return YB_OK;
}

static const struct vm_host_binding bindings[] = {
    {"env", "put", {2, 0, two_i64, NULL}, host_put, NULL},
    {"env", "poke", {1, 0, two_i64, NULL}, host_poke, NULL},
};

struct fx {
    struct vm_config cfg;
    struct vm_module *reuse, *plain, *bad_segment;
    struct vm_store *s; /* the store being dirtied */
    struct vm_instance *inst;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    vm_config_near(&f->cfg);
    f->reuse = vm_test_load(&f->cfg, "reuse");
    f->plain = vm_test_load(&f->cfg, "plain");
    f->bad_segment = vm_test_load(&f->cfg, "reuse_bad_segment");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    vm_store_free(f->s);
    vm_module_release(f->reuse);
    vm_module_release(f->plain);
    vm_module_release(f->bad_segment);
    free(f);
    return 0;
}

/* A store with an instance of reuse.wat in f->s / f->inst. */
static void start(struct fx *f)
{
    assert_int_equal(vm_store_new(&f->cfg, &f->s), YB_OK);
    struct vm_bindings b = {bindings, 2};
    struct vm_error err;
    assert_int_equal(vm_instance_new(f->s, f->reuse, vm_bindings_resolve, &b, &f->inst, &err, NULL),
                     YB_OK);
}

static void call(struct fx *f, const char *name, const uint64_t *args, uint32_t n)
{
    union vm_value a[3];
    for (uint32_t i = 0; i < n; i++) {
        a[i].i64 = args[i];
    }
    assert_int_equal(vm_instance_invoke(f->inst, name, a, n, NULL, 0, NULL), YB_OK);
}

static uint32_t load8(struct vm_instance *inst, uint64_t addr)
{
    union vm_value a = {.i64 = addr}, r;
    assert_int_equal(vm_instance_invoke(inst, "load8", &a, 1, &r, 1, NULL), YB_OK);
    return r.i32;
}

/* The dirty memory's address, after its store is freed. */
static const uint8_t *finish(struct fx *f)
{
    const uint8_t *base = vm_memory_view(vm_instance_memory(f->inst));
    vm_store_free(f->s);
    f->s = NULL;
    f->inst = NULL;
    return base;
}

static void assert_zero(const uint8_t *p, uint64_t from, uint64_t to)
{
    static const uint8_t zero[4096];
    for (uint64_t a = from; a < to; a += sizeof(zero)) {
        uint64_t n = to - a < sizeof(zero) ? to - a : sizeof(zero);
        if (memcmp(p + a, zero, n) != 0) {
            for (uint64_t i = 0; i < n; i++) {
                if (p[a + i] != 0) {
                    fail_msg("byte %llu of the reused memory is 0x%02x",
                             (unsigned long long)(a + i), p[a + i]);
                }
            }
        }
    }
}

/* Frees the dirty store; a new memory reuses its reservation and is zero everywhere, also in
 * grow_pages pages grown on top of the initial size. Returns nothing: fails the test. */
static void assert_reused_and_zero(struct fx *f, uint32_t grow_pages)
{
    const uint8_t *old = finish(f);
    struct vm_store *s;
    struct vm_instance *inst;
    struct vm_error err;
    assert_int_equal(vm_store_new(&f->cfg, &s), YB_OK);
    assert_int_equal(vm_instance_new(s, f->plain, NULL, NULL, &inst, &err, NULL), YB_OK);
    struct vm_memory *m = vm_instance_memory(inst);
    assert_ptr_equal(vm_memory_view(m), old);
    assert_int_equal(vm_memory_size(m), NEAR_SIZE);
    if (grow_pages > 0) {
        uint32_t old_pages;
        assert_int_equal(vm_memory_grow(m, grow_pages, &old_pages), YB_OK);
        assert_int_equal(old_pages, VM_NEAR_INITIAL_MEMORY_PAGES);
    }
    assert_zero(vm_memory_view(m), 0, vm_memory_size(m));
    vm_store_free(s);
}

static void stores_in_a_small_extent_are_cleared(void **state)
{
    struct fx *f = *state;
    start(f);
    /* [0, 1 MiB) exactly: the memset path. */
    call(f, "store64", (uint64_t[]){0, UINT64_MAX}, 2);
    call(f, "store64", (uint64_t[]){MIB - 8, 0x0102030405060708ull}, 2);
    call(f, "store8", (uint64_t[]){12345, 0x7f}, 2);
    assert_int_equal(load8(f->inst, MIB - 1), 0x01);
    assert_reused_and_zero(f, 0);
}

static void stores_at_both_ends_of_memory_are_cleared(void **state)
{
    struct fx *f = *state;
    start(f);
    /* The first and the last byte: an extent over the memset cap (madvise). */
    call(f, "store8", (uint64_t[]){0, 0x11}, 2);
    call(f, "store8", (uint64_t[]){NEAR_SIZE - 1, 0x22}, 2);
    call(f, "store64", (uint64_t[]){NEAR_SIZE - 8, UINT64_MAX}, 2);
    assert_int_equal(load8(f->inst, NEAR_SIZE - 8), 0xff);
    assert_reused_and_zero(f, 0);
}

static void memory_fill_is_cleared(void **state)
{
    struct fx *f = *state;
    start(f);
    call(f, "fill", (uint64_t[]){700000, 0x5a, 3000}, 3);
    assert_int_equal(load8(f->inst, 702999), 0x5a);
    assert_reused_and_zero(f, 0);
}

static void memory_copy_is_cleared(void **state)
{
    struct fx *f = *state;
    start(f);
    call(f, "copy", (uint64_t[]){300000, 4096, 14}, 3); /* the active segment's bytes */
    assert_int_equal(load8(f->inst, 300000), 'a');
    assert_reused_and_zero(f, 0);
}

static void memory_init_is_cleared(void **state)
{
    struct fx *f = *state;
    start(f);
    call(f, "init", (uint64_t[]){500000}, 1);
    assert_int_equal(load8(f->inst, 500000), 'p');
    assert_reused_and_zero(f, 0);
}

static void host_writes_are_cleared(void **state)
{
    struct fx *f = *state;
    start(f);
    call(f, "put", (uint64_t[]){200000, 256}, 2);
    call(f, "put", (uint64_t[]){900000, 100}, 2);
    assert_int_equal(load8(f->inst, 200255), 0xab);
    assert_int_equal(load8(f->inst, 900099), 0xab);
    assert_reused_and_zero(f, 0);
}

static void host_writes_through_the_raw_pointer_are_cleared(void **state)
{
    struct fx *f = *state;
    start(f);
    call(f, "poke", (uint64_t[]){900000}, 1);
    assert_int_equal(load8(f->inst, 900000), 0xcd);
    assert_reused_and_zero(f, 0);
}

static void raw_pointer_write_from_outside_a_call_is_cleared(void **state)
{
    struct fx *f = *state;
    start(f);
    vm_memory_data(vm_instance_memory(f->inst))[33333] = 0x99;
    assert_reused_and_zero(f, 0);
}

static void data_segments_are_cleared_and_reapplied(void **state)
{
    struct fx *f = *state;
    start(f);
    assert_int_equal(load8(f->inst, 4096), 'a');
    /* A plain module sees no trace of the segment ... */
    assert_reused_and_zero(f, 0);
    /* ... and the next instance of the same module gets it again, on the reused memory. */
    start(f);
    assert_int_equal(load8(f->inst, 4096), 'a');
    assert_int_equal(load8(f->inst, 4096 + 13), 't');
    assert_reused_and_zero(f, 0);
}

static void segment_of_a_failed_instantiation_is_cleared(void **state)
{
    struct fx *f = *state;
    struct vm_error err;
    struct vm_trap trap;
    struct vm_instance *inst = NULL;
    /* The address every memory of this test gets, if reuse works. */
    assert_int_equal(vm_store_new(&f->cfg, &f->s), YB_OK);
    assert_int_equal(vm_instance_new(f->s, f->plain, NULL, NULL, &inst, &err, NULL), YB_OK);
    const uint8_t *base = vm_memory_view(vm_instance_memory(inst));
    vm_store_free(f->s);
    assert_int_equal(vm_store_new(&f->cfg, &f->s), YB_OK);
    assert_int_equal(vm_instance_new(f->s, f->bad_segment, NULL, NULL, &inst, &err, &trap),
                     YB_EWASM_TRAP);
    assert_int_equal(trap.kind, VM_TRAP_MEMORY_OOB);
    /* The store owns the half-made instance; its memory was written by the first segment. */
    struct vm_store *s = f->s;
    f->s = NULL;
    struct vm_store *s2;
    struct vm_instance *inst2;
    vm_store_free(s);
    assert_int_equal(vm_store_new(&f->cfg, &s2), YB_OK);
    assert_int_equal(vm_instance_new(s2, f->plain, NULL, NULL, &inst2, &err, NULL), YB_OK);
    assert_ptr_equal(vm_memory_view(vm_instance_memory(inst2)), base);
    assert_int_equal(load8(inst2, 8192), 0);
    assert_zero(vm_memory_view(vm_instance_memory(inst2)), 0, NEAR_SIZE);
    vm_store_free(s2);
}

static void store_before_a_trap_is_cleared(void **state)
{
    struct fx *f = *state;
    start(f);
    union vm_value a = {.i64 = 654320};
    struct vm_trap trap;
    assert_int_equal(vm_instance_invoke(f->inst, "store_then_trap", &a, 1, NULL, 0, &trap),
                     YB_EWASM_TRAP);
    assert_int_equal(trap.kind, VM_TRAP_UNREACHABLE);
    assert_int_equal(load8(f->inst, 654320), 0xff);
    assert_reused_and_zero(f, 0);
}

static void grown_pages_are_cleared(void **state)
{
    struct fx *f = *state;
    start(f);
    union vm_value a = {.i64 = VM_NEAR_MAX_MEMORY_PAGES - VM_NEAR_INITIAL_MEMORY_PAGES}, r;
    assert_int_equal(vm_instance_invoke(f->inst, "grow", &a, 1, &r, 1, NULL), YB_OK);
    assert_int_equal(r.i32, VM_NEAR_INITIAL_MEMORY_PAGES);
    uint64_t top = VM_NEAR_MAX_MEMORY_PAGES * PAGE;
    call(f, "store64", (uint64_t[]){top - 8, UINT64_MAX}, 2);
    call(f, "store64", (uint64_t[]){NEAR_SIZE, UINT64_MAX}, 2);
    /* The next memory starts at 64 MiB again; grown to 128 MiB, it is zero up to the top. */
    assert_reused_and_zero(f, VM_NEAR_MAX_MEMORY_PAGES - VM_NEAR_INITIAL_MEMORY_PAGES);
}

static void many_reuses_stay_zero(void **state)
{
    struct fx *f = *state;
    /* A writer pattern that moves: each round writes where the previous one did not. */
    for (uint64_t round = 0; round < 8; round++) {
        start(f);
        assert_int_equal(load8(f->inst, 1000 + round * 4096), 0);
        if (round > 0) {
            assert_int_equal(load8(f->inst, 1000 + (round - 1) * 4096), 0);
        }
        call(f, "store8", (uint64_t[]){1000 + round * 4096, 0x42}, 2);
        call(f, "put", (uint64_t[]){150000 + round * 64, 64}, 2);
        assert_int_equal(load8(f->inst, 150000 + round * 64), 0xab);
        finish(f);
    }
    start(f);
    assert_reused_and_zero(f, 0);
}

/* A thread that ran a store keeps spares (store, arena chunk, memory, execution area); they
 * must go when the thread exits — the ASan build reports them as leaks otherwise. */
static void *run_one_store(void *arg)
{
    struct fx *f = arg;
    struct vm_store *s;
    struct vm_instance *inst;
    struct vm_error err;
    if (vm_store_new(&f->cfg, &s) != YB_OK) {
        return NULL;
    }
    if (vm_instance_new(s, f->plain, NULL, NULL, &inst, &err, NULL) == YB_OK) {
        union vm_value a = {.i64 = 0}, r;
        (void)vm_instance_invoke(inst, "load8", &a, 1, &r, 1, NULL);
    }
    vm_store_free(s);
    return f;
}

static void spares_of_an_exited_thread_are_freed(void **state)
{
    struct fx *f = *state;
    for (int i = 0; i < 3; i++) {
        pthread_t t;
        void *ret = NULL;
        assert_int_equal(pthread_create(&t, NULL, run_one_store, f), 0);
        assert_int_equal(pthread_join(t, &ret), 0);
        assert_ptr_equal(ret, f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(stores_in_a_small_extent_are_cleared, setup, teardown),
        cmocka_unit_test_setup_teardown(stores_at_both_ends_of_memory_are_cleared, setup, teardown),
        cmocka_unit_test_setup_teardown(memory_fill_is_cleared, setup, teardown),
        cmocka_unit_test_setup_teardown(memory_copy_is_cleared, setup, teardown),
        cmocka_unit_test_setup_teardown(memory_init_is_cleared, setup, teardown),
        cmocka_unit_test_setup_teardown(host_writes_are_cleared, setup, teardown),
        cmocka_unit_test_setup_teardown(host_writes_through_the_raw_pointer_are_cleared, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(raw_pointer_write_from_outside_a_call_is_cleared, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(data_segments_are_cleared_and_reapplied, setup, teardown),
        cmocka_unit_test_setup_teardown(segment_of_a_failed_instantiation_is_cleared, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(store_before_a_trap_is_cleared, setup, teardown),
        cmocka_unit_test_setup_teardown(grown_pages_are_cleared, setup, teardown),
        cmocka_unit_test_setup_teardown(many_reuses_stay_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(spares_of_an_exited_thread_are_freed, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
