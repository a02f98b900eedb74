/*
 * output.h — how `yb` prints: JSON documents for --json, readable text otherwise, the outcome
 * tree of a transaction, and the progress line of `yb ask`.
 *
 * Everything goes to stdout (errors go through cli_fail). Thread rules: single-threaded.
 */
#ifndef YB_CLI_OUTPUT_H
#define YB_CLI_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <cJSON.h>

#include "cli.h"

/* Prints v (borrowed) as indented JSON and a newline. */
void output_json(const cJSON *v);
/* A result value for people: a JSON string is printed raw, anything else as indented JSON. */
void output_value(const cJSON *v);

/*
 * The outcome tree of a tx/send_tx result (borrowed): the transaction, then each receipt
 * under the receipt that created it, with executor, status, gas burnt and logs; and the final
 * status. Written to out.
 */
void output_outcome_tree(FILE *out, const cJSON *tx_result);

/* Gas units as "2.42 Tgas" into buf (cap bytes). Returns buf. */
const char *output_gas(uint64_t gas, char *buf, size_t cap);

/*
 * One progress report of `yb ask`: height, blocks left of total. On a terminal the same line is
 * redrawn with a bar; otherwise one plain line per call. output_progress_end ends a redrawn line.
 */
void output_progress(const struct cli *cli, uint64_t height, uint64_t left, uint64_t total);
void output_progress_end(const struct cli *cli);

#endif
