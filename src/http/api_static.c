/* api_static.c — the web UI's files from the web directory: pre-compressed
 * variants when the browser takes them, validators for caching, no escapes
 * from the directory. */
#include "http/api.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},          {".webmanifest", "application/manifest+json"},
    {".svg", "image/svg+xml"},              {".png", "image/png"},
    {".ico", "image/x-icon"},               {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},  {".map", "application/json"},
};

static const char *type_for(const char *path)
{
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* Only plain relative paths: no "..", no hidden files, no backslashes. */
static bool safe_path(const char *p)
{
    if (*p != '/')
        return false;
    for (const char *s = p; *s; s++) {
        if (*s == '\\')
            return false;
        if (s[0] == '/' && s[1] == '.')
            return false; /* "/..", "/.git", "/.env" */
    }
    return strlen(p) < 512;
}

static int open_regular(const char *path, struct stat *st)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
}

static int serve_static(http_req *r)
{
    if (strncmp(r->path, "/api/", 5) == 0)
        return http_error(r, 404, "not_found", "there is no API endpoint at %.200s", r->path);
    if (!safe_path(r->path))
        return http_error(r, 404, "not_found", "there is nothing at this address");
    char rel[600], full[1200];
    size_t n = strlen(r->path);
    snprintf(rel, sizeof rel, "%s%s", r->path, r->path[n - 1] == '/' ? "index.html" : "");
    snprintf(full, sizeof full, "%s%s", r->app->cfg.web_dir, rel);
    struct stat st;
    int fd = -1;
    bool gz = false;
    if (r->accept_encoding && strstr(r->accept_encoding, "gzip")) {
        char gzpath[1210];
        snprintf(gzpath, sizeof gzpath, "%s.gz", full);
        fd = open_regular(gzpath, &st);
        gz = fd >= 0;
    }
    if (fd < 0)
        fd = open_regular(full, &st);
    if (fd < 0) {
        /* "/collect" → "/collect/index.html": pages are folders with an index. */
        snprintf(full + strlen(full), sizeof full - strlen(full), "/index.html");
        fd = open_regular(full, &st);
        if (fd < 0)
            return http_error(r, 404, "not_found", "there is nothing at %.200s", r->path);
        snprintf(rel, sizeof rel, "%s/index.html", r->path);
    }
    char etag[64];
    snprintf(etag, sizeof etag, "\"%llx-%llx%s\"", (unsigned long long)st.st_size,
             (unsigned long long)st.st_mtime, gz ? "-gz" : "");
    bool html = strstr(type_for(rel), "text/html") != NULL;
    /* Pages, modules, styles and catalogues are revalidated (a 304 via the ETag costs
     * little), so after an upgrade no browser runs old and new modules mixed. */
    const char *t = type_for(rel);
    bool code = html || strstr(t, "javascript") || strstr(t, "css") || strstr(t, "json");
    http_header(r, "ETag", "%s", etag);
    http_header(r, "Cache-Control", "%s", code ? "no-cache" : "public, max-age=3600");
    http_header(r, "Vary", "Accept-Encoding");
    if (html) {
        /* the public map loads its tiles from the configured server's origin */
        char tiles[200] = "";
        const char *mt = r->app->cfg.map_tiles;
        const char *host = mt ? strstr(mt, "://") : NULL;
        if (host && (strncmp(mt, "https://", 8) == 0 || strncmp(mt, "http://", 7) == 0)) {
            size_t olen = strcspn(host + 3, "/{ \"';") + (size_t)(host + 3 - mt);
            if (olen + 1 < sizeof tiles)
                snprintf(tiles, sizeof tiles, " %.*s", (int)olen, mt);
        }
        http_header(r, "Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data: blob:%s; frame-ancestors 'none'; base-uri 'self'",
                    tiles);
    }
    if (r->if_none_match && strcmp(r->if_none_match, etag) == 0) {
        close(fd);
        r->status = 304;
        return HTTP_DONE;
    }
    if (gz)
        http_header(r, "Content-Encoding", "gzip");
    r->status = 200;
    r->content_type_out = type_for(rel);
    r->resp_fd = fd;
    r->resp_fd_len = (size_t)st.st_size;
    return HTTP_DONE;
}

const route api_static_routes[] = {
    {"GET", "/*", ACT_PUBLIC, serve_static, ROUTE_PREFIX, 0},
    {0},
};
