// SPDX-License-Identifier: Apache-2.0
/* token-load: N clients, each on its own connection to deviceauthd's control
 * socket, send {"method":"token"} and wait for the reply line, for S seconds.
 * Prints calls, calls/s, p50 and p99 in ms. Written in C so that the client,
 * not the daemon, is never the bottleneck. Usage: token-load SOCKET CLIENTS SECONDS */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char *path;
static double seconds;
typedef struct { double *lat; long count, cap; int failed; } result;

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

static void *client(void *arg) {
    result *r = arg;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strncpy(a.sun_path, path, sizeof a.sun_path - 1);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { r->failed = 1; return NULL; }
    static const char req[] = "{\"method\":\"token\"}\n";
    char buf[8192]; long have = 0;
    double stop = now() + seconds;
    while (now() < stop) {
        double t0 = now();
        if (write(fd, req, sizeof req - 1) != (ssize_t)(sizeof req - 1)) { r->failed = 1; break; }
        for (;;) {  /* read up to the end of one reply line */
            char *nl = memchr(buf, '\n', have);
            if (nl) {
                if (!strstr(buf, "\"ok\":true")) { r->failed = 1; }
                long rest = have - (nl + 1 - buf); memmove(buf, nl + 1, rest); have = rest; break;
            }
            ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
            if (n <= 0) { r->failed = 1; close(fd); return NULL; }
            have += n; buf[have] = 0;
        }
        if (r->failed) break;
        if (r->count == r->cap) { r->cap = r->cap ? r->cap * 2 : 65536; r->lat = realloc(r->lat, r->cap * sizeof(double)); }
        r->lat[r->count++] = now() - t0;
    }
    close(fd);
    return NULL;
}

static int compare(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: token-load SOCKET CLIENTS SECONDS\n"); return 64; }
    path = argv[1]; int clients = atoi(argv[2]); seconds = atof(argv[3]);
    pthread_t threads[256]; result results[256] = {0};
    if (clients < 1 || clients > 256) return 64;
    double begun = now();
    for (int i = 0; i < clients; i++) pthread_create(&threads[i], NULL, client, &results[i]);
    long total = 0; int failed = 0;
    for (int i = 0; i < clients; i++) { pthread_join(threads[i], NULL); total += results[i].count; failed |= results[i].failed; }
    double elapsed = now() - begun;
    double *all = malloc((total ? total : 1) * sizeof(double)); long k = 0;
    for (int i = 0; i < clients; i++) { memcpy(all + k, results[i].lat, results[i].count * sizeof(double)); k += results[i].count; }
    qsort(all, total, sizeof(double), compare);
    if (failed || total == 0) { fprintf(stderr, "token-load: a call failed\n"); return 1; }
    printf("%ld %.0f %.3f %.3f\n", total, total / elapsed, all[total / 2] * 1000, all[(long)(total * 0.99)] * 1000);
    return 0;
}
