/*
 * node_config.h — HOME/config.json: yb-chain's settings. JSON has no comments, so each field
 * "x" is preceded by a "//x" key whose string explains it; readers ignore every key starting
 * with "//". Command-line flags override the file (main.c).
 */
#ifndef YB_NODE_CONFIG_H
#define YB_NODE_CONFIG_H

#include "node.h"

#define NODE_CONFIG_FILE     "config.json"
#define NODE_CONFIG_MAX      (64u * 1024u)
#define NODE_DEFAULT_TIMEOUT 200u /* yield timeout in blocks (NEAR's) */

/* Defaults for home (borrowed, copied). Errors: YB_ETOOBIG (home path too long). */
int node_config_default(struct node_config *cfg, const char *home);

/* Reads HOME/config.json over *cfg (fields absent keep their value). Errors: YB_ENOTFOUND (no
 * file), YB_EIO, YB_ETOOBIG, YB_EJSON, YB_EJSON_TYPE, YB_ENUMBER, YB_ECONFIG (bad mode or log
 * format). */
int node_config_load(struct node_config *cfg);

/* Writes HOME/config.json (0644) with every field and its "//" description. Errors: YB_EIO. */
int node_config_write(const struct node_config *cfg);

#endif
