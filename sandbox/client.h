/*
 * client.h - `stockade exec | files | sessions | pool`: the keeper's client for
 * operators and tests. Each command sends one request over the keeper's socket
 * (--socket, else $STOCKADE_POOL_SOCKET, else $STOCKADE_RUN_DIR/pool.sock, else
 * /tmp/stockade-dev/pool.sock) and prints the reply as JSON. Exit status: 0 when the
 * keeper answered "ok", 1 when it answered an error or could not be reached, 2 on
 * bad usage.
 */
#ifndef SBX_CLIENT_H
#define SBX_CLIENT_H

#include <stdio.h>

/* argv[0] is the command's name. */
int client_main(int argc, char **argv);

void client_usage(FILE *f);

#endif
