/*
 * test_vm_reftypes.c — reference types and table instructions (wat/reftypes.wat): table.get,
 * set, grow, fill, size, copy and init, elem.drop, ref.func, ref.is_null and ref.null, with
 * the values they produce and the traps they raise (out-of-bounds table access, uninitialised
 * and undefined elements). Each scenario is a list of calls on one fresh instance, in order;
 * the expected values were checked against node's WebAssembly on the same module.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "vm.h"
#include "vm_test_util.h"

enum result_kind {
    R_NONE, /* no result */
    R_I32,
    R_REF, /* an externref: the host value, 0 for null */
};

#define OK VM_TRAP_NONE
#define NO (-1) /* i32 -1: table.grow's failure */

struct step {
    const char *fn;
    uint32_t nargs;
    uint64_t args[3]; /* i32 arguments, or externref host values (0 = null) */
    enum result_kind res;
    uint32_t want; /* R_I32: the value; R_REF: the host value */
    enum vm_trap_kind trap;
};

/* The funcref table: 3 entries, [null, null, $f33] after instantiation, maximum 10. */
static const struct step funcref_steps[] = {
    {"size", 0, {0}, R_I32, 3, OK},
    {"is_null", 1, {0}, R_I32, 1, OK},
    {"is_null", 1, {2}, R_I32, 0, OK},
    {"call", 1, {2}, R_I32, 33, OK},
    {"call", 1, {0}, R_I32, 0, VM_TRAP_UNINITIALIZED_ELEMENT},
    {"call", 1, {3}, R_I32, 0, VM_TRAP_UNDEFINED_ELEMENT},
    {"call", 1, {0xffffffff}, R_I32, 0, VM_TRAP_UNDEFINED_ELEMENT},
    {"is_null", 1, {3}, R_I32, 0, VM_TRAP_TABLE_OOB},
    /* table.set */
    {"set_f22", 1, {1}, R_NONE, 0, OK},
    {"call", 1, {1}, R_I32, 22, OK},
    {"set_f22", 1, {3}, R_NONE, 0, VM_TRAP_TABLE_OOB},
    {"set_null", 1, {1}, R_NONE, 0, OK},
    {"is_null", 1, {1}, R_I32, 1, OK},
    {"call", 1, {1}, R_I32, 0, VM_TRAP_UNINITIALIZED_ELEMENT},
    /* table.init from the passive segment [$f11 $f22 $f33] */
    {"init", 3, {0, 0, 3}, R_NONE, 0, OK},
    {"call", 1, {0}, R_I32, 11, OK},
    {"call", 1, {1}, R_I32, 22, OK},
    {"call", 1, {2}, R_I32, 33, OK},
    {"set_null", 1, {0}, R_NONE, 0, OK},
    /* out of bounds at the destination or the source: a trap, and nothing written */
    {"init", 3, {1, 0, 3}, R_NONE, 0, VM_TRAP_TABLE_OOB},
    {"is_null", 1, {0}, R_I32, 1, OK},
    {"call", 1, {1}, R_I32, 22, OK},
    {"init", 3, {0, 2, 2}, R_NONE, 0, VM_TRAP_TABLE_OOB},
    {"is_null", 1, {0}, R_I32, 1, OK},
    {"init", 3, {3, 0, 0}, R_NONE, 0, OK},
    {"init", 3, {4, 0, 0}, R_NONE, 0, VM_TRAP_TABLE_OOB},
    {"init", 3, {0, 4, 0}, R_NONE, 0, VM_TRAP_TABLE_OOB},
    /* table.copy, overlapping both ways */
    {"init", 3, {0, 0, 3}, R_NONE, 0, OK},
    {"copy", 3, {1, 0, 2}, R_NONE, 0, OK}, /* [11 22 33] -> [11 11 22] */
    {"call", 1, {0}, R_I32, 11, OK},
    {"call", 1, {1}, R_I32, 11, OK},
    {"call", 1, {2}, R_I32, 22, OK},
    {"copy", 3, {0, 1, 2}, R_NONE, 0, OK}, /* -> [11 22 22] */
    {"call", 1, {0}, R_I32, 11, OK},
    {"call", 1, {1}, R_I32, 22, OK},
    {"call", 1, {2}, R_I32, 22, OK},
    {"copy", 3, {2, 0, 2}, R_NONE, 0, VM_TRAP_TABLE_OOB},
    {"call", 1, {2}, R_I32, 22, OK},
    {"copy", 3, {3, 0, 0}, R_NONE, 0, OK},
    {"copy", 3, {0, 4, 0}, R_NONE, 0, VM_TRAP_TABLE_OOB},
    /* table.fill */
    {"fill_f11", 2, {1, 2}, R_NONE, 0, OK},
    {"call", 1, {2}, R_I32, 11, OK},
    {"set_f22", 1, {2}, R_NONE, 0, OK},
    {"fill_f11", 2, {2, 2}, R_NONE, 0, VM_TRAP_TABLE_OOB},
    {"call", 1, {2}, R_I32, 22, OK},
    {"fill_f11", 2, {3, 0}, R_NONE, 0, OK},
    {"fill_f11", 2, {4, 0}, R_NONE, 0, VM_TRAP_TABLE_OOB},
    /* elem.drop: the segment is empty from then on; dropping twice is allowed */
    {"drop", 0, {0}, R_NONE, 0, OK},
    {"init", 3, {0, 0, 1}, R_NONE, 0, VM_TRAP_TABLE_OOB},
    {"init", 3, {0, 0, 0}, R_NONE, 0, OK},
    {"drop", 0, {0}, R_NONE, 0, OK},
    /* table.grow with ref.func $f44 (a declared function) up to the maximum of 10 */
    {"grow_f44", 1, {2}, R_I32, 3, OK},
    {"size", 0, {0}, R_I32, 5, OK},
    {"call", 1, {3}, R_I32, 44, OK},
    {"call", 1, {4}, R_I32, 44, OK},
    {"call", 1, {5}, R_I32, 0, VM_TRAP_UNDEFINED_ELEMENT},
    {"grow_f44", 1, {6}, R_I32, (uint32_t)NO, OK},
    {"size", 0, {0}, R_I32, 5, OK},
    {"grow_f44", 1, {5}, R_I32, 5, OK},
    {"size", 0, {0}, R_I32, 10, OK},
    {"call", 1, {9}, R_I32, 44, OK},
    {"grow_f44", 1, {0}, R_I32, 10, OK},
    {"grow_f44", 1, {1}, R_I32, (uint32_t)NO, OK},
    {"grow_f44", 1, {0xffffffff}, R_I32, (uint32_t)NO, OK},
    /* ref.null, ref.func, ref.is_null */
    {"null_is_null", 0, {0}, R_I32, 1, OK},
    {"func_is_null", 0, {0}, R_I32, 0, OK},
    {"null_extern_is_null", 0, {0}, R_I32, 1, OK},
};

/* The externref table: 2 null entries, no maximum. Host values are 42, 7 and 9. */
static const struct step externref_steps[] = {
    {"xsize", 0, {0}, R_I32, 2, OK},
    {"xis_null", 1, {0}, R_I32, 1, OK},
    {"xget", 1, {0}, R_REF, 0, OK},
    {"xset", 2, {0, 42}, R_NONE, 0, OK},
    {"xget", 1, {0}, R_REF, 42, OK},
    {"xis_null", 1, {0}, R_I32, 0, OK},
    {"xset", 2, {2, 42}, R_NONE, 0, VM_TRAP_TABLE_OOB},
    {"xget", 1, {2}, R_REF, 0, VM_TRAP_TABLE_OOB},
    {"xgrow", 2, {7, 3}, R_I32, 2, OK},
    {"xsize", 0, {0}, R_I32, 5, OK},
    {"xget", 1, {2}, R_REF, 7, OK},
    {"xget", 1, {4}, R_REF, 7, OK},
    {"xget", 1, {0}, R_REF, 42, OK},
    {"xfill", 3, {1, 9, 2}, R_NONE, 0, OK},
    {"xget", 1, {1}, R_REF, 9, OK},
    {"xget", 1, {2}, R_REF, 9, OK},
    {"xget", 1, {3}, R_REF, 7, OK},
    {"xfill", 3, {4, 9, 2}, R_NONE, 0, VM_TRAP_TABLE_OOB},
    {"xget", 1, {4}, R_REF, 7, OK},
    {"xset", 2, {0, 0}, R_NONE, 0, OK},
    {"xis_null", 1, {0}, R_I32, 1, OK},
    {"xgrow", 2, {0, 0xfffffff0}, R_I32, (uint32_t)NO, OK},
    {"xsize", 0, {0}, R_I32, 5, OK},
    {"xgrow", 2, {0, 0}, R_I32, 5, OK},
};

struct run {
    struct vm_module *mod;
    struct vm_store *store;
    struct vm_instance *inst;
};

static void start(struct run *r)
{
    struct vm_config cfg;
    vm_config_default(&cfg); /* two tables: NEAR allows one */
    r->mod = vm_test_load(&cfg, "reftypes");
    assert_int_equal(vm_store_new(&cfg, &r->store), YB_OK);
    struct vm_error err;
    if (vm_instance_new(r->store, r->mod, NULL, NULL, &r->inst, &err, NULL) != YB_OK) {
        fail_msg("instantiate reftypes: %s", err.msg);
    }
}

static void stop(struct run *r)
{
    vm_store_free(r->store);
    vm_module_release(r->mod);
}

static void run_steps(const struct step *steps, size_t n)
{
    struct run r;
    start(&r);
    for (size_t i = 0; i < n; i++) {
        const struct step *s = &steps[i];
        union vm_value args[3], res = {.i64 = 0xdeadbeefdeadbeefull};
        for (uint32_t k = 0; k < s->nargs; k++) {
            args[k].i64 = s->args[k];
        }
        struct vm_trap trap = {0};
        uint32_t nres = s->res == R_NONE ? 0 : 1;
        int rc = vm_instance_invoke(r.inst, s->fn, args, s->nargs, &res, nres, &trap);
        if (s->trap != VM_TRAP_NONE) {
            if (rc != YB_EWASM_TRAP || trap.kind != s->trap) {
                fail_msg("step %zu %s: want trap \"%s\", got %s (%s)", i, s->fn,
                         vm_trap_kind_str(s->trap), yb_err_name(rc), trap.msg);
            }
            assert_string_equal(trap.msg, vm_trap_kind_str(s->trap));
            continue;
        }
        if (rc != YB_OK) {
            fail_msg("step %zu %s: %s (%s)", i, s->fn, yb_err_name(rc), trap.msg);
        }
        if (s->res == R_I32 && res.i32 != s->want) {
            fail_msg("step %zu %s: got %u, want %u", i, s->fn, res.i32, s->want);
        }
        if (s->res == R_REF && res.ref != s->want) {
            fail_msg("step %zu %s: got ref %llu, want %u", i, s->fn, (unsigned long long)res.ref,
                     s->want);
        }
    }
    stop(&r);
}

static void funcref_table_instructions(void **state)
{
    (void)state;
    run_steps(funcref_steps, sizeof(funcref_steps) / sizeof(funcref_steps[0]));
}

static void externref_table_instructions(void **state)
{
    (void)state;
    run_steps(externref_steps, sizeof(externref_steps) / sizeof(externref_steps[0]));
}

/* A funcref leaves wasm (table.get, select) and comes back (table.set) still callable, and
 * a null one stored makes the entry uninitialised again. */
static void funcrefs_round_trip_through_the_host(void **state)
{
    (void)state;
    struct run r;
    start(&r);
    union vm_value a[2], res;
    struct vm_trap trap;

    a[0].i64 = 2; /* $f33, set by the active segment */
    assert_int_equal(vm_instance_invoke(r.inst, "get", a, 1, &res, 1, NULL), YB_OK);
    assert_true(res.ref != 0);
    a[1].ref = res.ref;
    a[0].i64 = 0;
    assert_int_equal(vm_instance_invoke(r.inst, "put", a, 2, NULL, 0, NULL), YB_OK);
    assert_int_equal(vm_instance_invoke(r.inst, "call", a, 1, &res, 1, NULL), YB_OK);
    assert_int_equal(res.i32, 33);

    a[0].i64 = 1; /* select picks ref.func $f11 */
    assert_int_equal(vm_instance_invoke(r.inst, "pick", a, 1, &res, 1, NULL), YB_OK);
    a[1].ref = res.ref;
    assert_int_equal(vm_instance_invoke(r.inst, "put", a, 2, NULL, 0, NULL), YB_OK);
    assert_int_equal(vm_instance_invoke(r.inst, "call", a, 1, &res, 1, NULL), YB_OK);
    assert_int_equal(res.i32, 11);

    a[0].i64 = 0; /* ... and ref.func $f44 */
    assert_int_equal(vm_instance_invoke(r.inst, "pick", a, 1, &res, 1, NULL), YB_OK);
    a[1].ref = res.ref;
    a[0].i64 = 1;
    assert_int_equal(vm_instance_invoke(r.inst, "put", a, 2, NULL, 0, NULL), YB_OK);
    assert_int_equal(vm_instance_invoke(r.inst, "call", a, 1, &res, 1, NULL), YB_OK);
    assert_int_equal(res.i32, 44);

    a[0].i64 = 0;
    a[1].ref = 0;
    assert_int_equal(vm_instance_invoke(r.inst, "put", a, 2, NULL, 0, NULL), YB_OK);
    assert_int_equal(vm_instance_invoke(r.inst, "call", a, 1, &res, 1, &trap), YB_EWASM_TRAP);
    assert_int_equal(trap.kind, VM_TRAP_UNINITIALIZED_ELEMENT);
    stop(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(funcref_table_instructions),
        cmocka_unit_test(externref_table_instructions),
        cmocka_unit_test(funcrefs_round_trip_through_the_host),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
