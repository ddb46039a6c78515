/* An open-loop HTTP/1.1 load generator for bench/api_open.py (C: it must leave the machine to
 * the server it measures).
 *
 * Request k falls due at start + k / rate, whatever the server does; it goes out on the first
 * idle keep-alive connection, and its latency is counted from when it fell due, so a server that
 * falls behind is charged for the wait (no coordinated omission). Each request is one radar plot
 * of one of 500 boats timed at the current second (as bench/api_wrk.lua places them), or a
 * sweep of several.
 *
 * usage: loadgen HOST PORT PATH TOKEN RATE_PER_S SECONDS CONNECTIONS [PLOTS]
 * RATE_PER_S is requests per second; with PLOTS > 1 each request is one radar sweep of PLOTS
 * plots (for POST /api/contacts/batch). Prints one line of key=value figures (latencies in
 * ms, per request).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#define BUF 65536
#define BODY (1 << 20)
#define TIMER 0xffffffffu /* the epoll tag of the timer */

typedef struct {
    int fd;
    int busy;
    double due_s;
    size_t got;
    char in[BUF];
} conn_t;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int connect_to(const char *host, int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    inet_pton(AF_INET, host, &addr.sin_addr);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        perror("connect");
        exit(2);
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* Length of a complete response at the start of buf, or 0 if more is needed; *status is set. */
static size_t complete(const char *buf, size_t n, int *status) {
    const char *end = memmem(buf, n, "\r\n\r\n", 4);
    if (end == NULL) return 0;
    size_t head = (size_t)(end - buf) + 4;
    long length = 0;
    const char *p = buf;
    while (p < end) {
        const char *line_end = memmem(p, (size_t)(end - p) + 2, "\r\n", 2);
        if (strncasecmp(p, "content-length:", 15) == 0) length = strtol(p + 15, NULL, 10);
        p = line_end + 2;
    }
    if (n < head + (size_t)length) return 0;
    *status = atoi(buf + 9);
    return head + (size_t)length;
}

int main(int argc, char **argv) {
    if (argc != 8 && argc != 9) {
        fprintf(stderr, "usage: %s HOST PORT PATH TOKEN RATE SECONDS CONNECTIONS [PLOTS]\n",
                argv[0]);
        return 2;
    }
    int plots = argc == 9 ? atoi(argv[8]) : 1;
    if (plots < 1 || plots > 1000) {
        fprintf(stderr, "PLOTS must be 1 to 1000\n");
        return 2;
    }
    const char *host = argv[1], *path = argv[3], *token = argv[4];
    int port = atoi(argv[2]);
    double rate = atof(argv[5]), seconds = atof(argv[6]);
    int nconn = atoi(argv[7]);
    long total = (long)(rate * seconds);
    double *lat_ms = calloc((size_t)total, sizeof(double));
    conn_t *conns = calloc((size_t)nconn, sizeof(conn_t));
    int ep = epoll_create1(0);
    for (int i = 0; i < nconn; i++) {
        conns[i].fd = connect_to(host, port);
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (unsigned)i};
        epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
    }
    /* LOADGEN_TRACE=FILE: each answer's due time (s from the start) and latency (ms) */
    FILE *trace = getenv("LOADGEN_TRACE") ? fopen(getenv("LOADGEN_TRACE"), "w") : NULL;
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    struct epoll_event tev = {.events = EPOLLIN, .data.u32 = TIMER};
    epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &tev);
    time_t wall = time(NULL);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&wall));
    srand(12345);
    long sent = 0, done = 0, bad = 0, waited = 0;
    int idle = nconn;
    int next_conn = 0;
    double start = now_s() + 0.05, last_due = start + (total - 1) / rate;
    char *body = malloc(BODY), *req = malloc(BODY + 1024);
    struct epoll_event events[256];
    while (done < sent || sent < total) {
        double t = now_s();
        /* everything due goes out on idle connections; the rest waits its turn */
        while (sent < total && start + sent / rate <= t && idle > 0) {
            double due = start + sent / rate;
            if (t - due > 0.001) waited++;
            /* round robin over the idle connections: none stays idle long enough for the
             * server's keep-alive timeout to close it */
            while (conns[next_conn].busy) next_conn = (next_conn + 1) % nconn;
            int c = next_conn;
            next_conn = (next_conn + 1) % nconn;
            /* plots are timed when sent (the current UTC second), as a radar would */
            time_t wall_now = time(NULL);
            if (wall_now != wall) {
                wall = wall_now;
                strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&wall));
            }
            /* one plot, or a sweep of `plots` plots of one radar at one time */
            int blen = 0;
            if (plots > 1) blen += snprintf(body, BODY, "{\"records\":[");
            for (int j = 0; j < plots; j++) {
                long n = sent * plots + j;
                int boat = (int)(n % 500);
                double lat = 50.80 + (boat % 25) * 0.02 + (n % 7) * 0.00005;
                double lon = 1.20 + (boat / 25) * 0.04 + (n % 5) * 0.00005;
                blen += snprintf(body + blen, BODY - (size_t)blen,
                                 "%s{\"kind\":\"contact\",\"time\":\"%s\",\"lat\":%.6f,"
                                 "\"lon\":%.6f,\"sensor\":\"radar\",\"sensor_id\":\"radar-%d\","
                                 "\"sigma_m\":50,\"report_id\":\"O-%d-%ld\"}",
                                 j ? "," : "", stamp, lat, lon,
                                 plots > 1 ? (int)(sent % 4) : boat % 4, rand(), n);
            }
            if (plots > 1) blen += snprintf(body + blen, BODY - (size_t)blen, "]}");
            int rlen = snprintf(req, BODY + 1024,
                                "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                                "%s%s%sContent-Length: %d\r\n\r\n%s",
                                path, host, port, *token ? "Authorization: Bearer " : "", token,
                                *token ? "\r\n" : "", blen, body);
            if (write(conns[c].fd, req, (size_t)rlen) != rlen) {
                perror("write");
                return 2;
            }
            conns[c].busy = 1;
            conns[c].due_s = due;
            conns[c].got = 0;
            idle--;
            sent++;
        }
        if (t > last_due + 10.0) break; /* answers still missing 10 s after the last was due */
        /* sleep until the next request falls due (a timer: no busy waiting, which would take
         * a core from the server) or an answer comes */
        if (idle > 0 && sent < total) {
            double next = start + sent / rate;
            struct itimerspec due = {0};
            due.it_value.tv_sec = (time_t)next;
            due.it_value.tv_nsec = (long)((next - (double)(time_t)next) * 1e9);
            timerfd_settime(tfd, TFD_TIMER_ABSTIME, &due, NULL);
        }
        int k = epoll_wait(ep, events, 256, 100);
        for (int e = 0; e < k; e++) {
            if (events[e].data.u32 == TIMER) {
                uint64_t expirations;
                if (read(tfd, &expirations, sizeof expirations) < 0 && errno != EAGAIN) {
                    perror("timerfd");
                    return 2;
                }
                continue;
            }
            conn_t *cn = &conns[events[e].data.u32];
            ssize_t r = read(cn->fd, cn->in + cn->got, BUF - cn->got);
            if (r <= 0) {
                if (cn->busy) {
                    fprintf(stderr, "connection closed by the server during a request\n");
                    return 2;
                }
                /* an idle connection the server closed: open another */
                epoll_ctl(ep, EPOLL_CTL_DEL, cn->fd, NULL);
                close(cn->fd);
                cn->fd = connect_to(host, port);
                struct epoll_event ev = {.events = EPOLLIN, .data.u32 = events[e].data.u32};
                epoll_ctl(ep, EPOLL_CTL_ADD, cn->fd, &ev);
                continue;
            }
            cn->got += (size_t)r;
            int status = 0;
            size_t len = complete(cn->in, cn->got, &status);
            if (len == 0 || !cn->busy) continue;
            double t_done = now_s();
            lat_ms[done] = (t_done - cn->due_s) * 1000.0;
            if (trace) fprintf(trace, "%.4f %.3f\n", cn->due_s - start, lat_ms[done]);
            if (status < 200 || status > 299) bad++;
            done++;
            cn->busy = 0;
            idle++;
        }
    }
    double elapsed = now_s() - start;
    if (trace) fclose(trace);
    qsort(lat_ms, (size_t)done, sizeof(double), cmp_double);
#define PCT(p) (done ? lat_ms[(long)((p) * (done - 1))] : 0.0)
    printf("offered=%.0f sent=%ld done=%ld errors=%ld waited=%ld seconds=%.2f rate=%.1f "
           "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f\n",
           rate, sent, done, bad, waited, elapsed, done / elapsed, PCT(0.50), PCT(0.90),
           PCT(0.99), PCT(0.999), done ? lat_ms[done - 1] : 0.0);
    return 0;
}
