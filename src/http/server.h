/* server.h — the HTTP server: libmicrohttpd's epoll thread pool with every limit
 * set, feeding requests to the router. */
#ifndef SERVER_H
#define SERVER_H
#include "http/router.h"

/* Blocks SIGTERM, SIGINT and SIGPIPE in the calling thread and every thread it
 * starts afterwards: call before db_open, so the server's main thread alone
 * waits for them. */
void http_block_signals(void);

/* Serves app until SIGTERM or SIGINT, then stops accepting, lets requests in
 * flight finish (their writes committed) and returns 0. -1 with err when it
 * cannot start. */
int http_serve(http_app *app, char *err, size_t errlen);

#endif
