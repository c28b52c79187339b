/*
 * C echo baseline for tools/bench-rpc: blocking sockets, TCP_NODELAY, length-prefixed frames
 * (u32 big-endian length, then a 1-byte type, then the payload). One thread per connection.
 *
 *   echo server                         listen on 127.0.0.1, port 0; prints "PORT <n>";
 *                                       runs until stdin closes
 *   echo unary PORT CONC SECONDS SIZE   CONC requests outstanding on one connection
 *   echo stream PORT COUNT SIZE         server streams COUNT messages of SIZE bytes
 *
 * Output lines: RESULT name=<scenario> ops=<n> secs=<s> rate=<per second> p50_us=<x> p99_us=<y>
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    int fd;
    unsigned char buf[1 << 16];
    size_t start, end;
} reader_t;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int read_exact(reader_t *r, unsigned char *out, size_t n) {
    while (n > 0) {
        if (r->start == r->end) {
            ssize_t got = read(r->fd, r->buf, sizeof r->buf);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) return -1;
            r->start = 0;
            r->end = (size_t)got;
        }
        size_t take = r->end - r->start < n ? r->end - r->start : n;
        if (out) memcpy(out, r->buf + r->start, take), out += take;
        r->start += take;
        n -= take;
    }
    return 0;
}

static int write_all(int fd, const unsigned char *p, size_t n) {
    while (n > 0) {
        ssize_t put = write(fd, p, n);
        if (put < 0 && errno == EINTR) continue;
        if (put <= 0) return -1;
        p += put;
        n -= (size_t)put;
    }
    return 0;
}

static void put_u32(unsigned char *p, uint32_t v) {
    p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static uint32_t get_u32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void *serve_connection(void *arg) {
    int fd = (int)(intptr_t)arg;
    reader_t *r = calloc(1, sizeof *r);
    r->fd = fd;
    unsigned char header[5];
    unsigned char *payload = malloc(1 << 20);
    while (read_exact(r, header, 5) == 0) {
        uint32_t len = get_u32(header);
        if (len > (1 << 20) || read_exact(r, payload, len) != 0) break;
        if (header[4] == 'E') {
            unsigned char *frame = malloc(5 + len);
            memcpy(frame, header, 5);
            memcpy(frame + 5, payload, len);
            if (write_all(fd, frame, 5 + len) != 0) { free(frame); break; }
            free(frame);
        } else if (header[4] == 'S' && len >= 8) {
            uint32_t count = get_u32(payload), size = get_u32(payload + 4);
            size_t cap = 1 << 16, used = 0;
            unsigned char *out = malloc(cap + 5 + size);
            for (uint32_t i = 0; i < count; i++) {
                put_u32(out + used, size);
                out[used + 4] = 'M';
                memset(out + used + 5, 0x5A, size);
                used += 5 + size;
                if (used >= cap) {
                    if (write_all(fd, out, used) != 0) break;
                    used = 0;
                }
            }
            put_u32(out + used, 0);
            out[used + 4] = 'Z';
            used += 5;
            write_all(fd, out, used);
            free(out);
        }
    }
    free(payload);
    free(r);
    close(fd);
    return NULL;
}

static void *stdin_watcher(void *arg) {
    (void)arg;
    char line[256];
    while (fgets(line, sizeof line, stdin)) {}
    exit(0);
}

static int run_server(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
    if (listen(fd, 128) < 0) die("listen");
    socklen_t len = sizeof addr;
    getsockname(fd, (struct sockaddr *)&addr, &len);
    printf("PORT %d\n", ntohs(addr.sin_port));
    fflush(stdout);
    pthread_t watcher;
    pthread_create(&watcher, NULL, stdin_watcher, NULL);
    for (;;) {
        int client = accept(fd, NULL, NULL);
        if (client < 0) continue;
        setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pthread_t thread;
        pthread_create(&thread, NULL, serve_connection, (void *)(intptr_t)client);
        pthread_detach(thread);
    }
}

static int connect_to(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) die("connect");
    return fd;
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *name, uint64_t ops, double secs, uint64_t *lat, size_t n) {
    double p50 = 0, p99 = 0;
    if (n > 0) {
        qsort(lat, n, sizeof *lat, compare_u64);
        p50 = lat[(size_t)(n * 0.5)] / 1000.0;
        p99 = lat[(size_t)(n * 0.99) < n ? (size_t)(n * 0.99) : n - 1] / 1000.0;
    }
    printf("RESULT name=%s ops=%llu secs=%.3f rate=%.0f p50_us=%.1f p99_us=%.1f\n", name,
           (unsigned long long)ops, secs, ops / secs, p50, p99);
}

static int run_unary(int port, int conc, int seconds, int size) {
    int fd = connect_to(port);
    reader_t *r = calloc(1, sizeof *r);
    r->fd = fd;
    unsigned char *frame = malloc(5 + size), *reply = malloc(5 + size);
    put_u32(frame, size);
    frame[4] = 'E';
    memset(frame + 5, 7, size);
    size_t cap = 1 << 24, n = 0;
    uint64_t *lat = malloc(cap * sizeof *lat);
    uint64_t *sent = calloc(conc, sizeof *sent);
    for (int i = 0; i < 1000; i++) {
        write_all(fd, frame, 5 + size);
        read_exact(r, reply, 5 + size);
    }
    uint64_t start = now_ns(), end = start + (uint64_t)seconds * 1000000000ull;
    for (int i = 0; i < conc; i++) {
        sent[i] = now_ns();
        write_all(fd, frame, 5 + size);
    }
    size_t head = 0, outstanding = conc;
    while (outstanding > 0) {
        if (read_exact(r, reply, 5 + size) != 0) die("read");
        uint64_t t = now_ns();
        if (n < cap) lat[n++] = t - sent[head];
        outstanding--;
        if (t < end) {
            sent[head] = now_ns();
            write_all(fd, frame, 5 + size);
            outstanding++;
        }
        head = (head + 1) % conc;
    }
    double secs = (now_ns() - start) / 1e9;
    char name[64];
    snprintf(name, sizeof name, "c_unary_c%d", conc);
    report(name, n, secs, lat, n);
    return 0;
}

static int run_stream(int port, int count, int size) {
    int fd = connect_to(port);
    reader_t *r = calloc(1, sizeof *r);
    r->fd = fd;
    unsigned char req[13];
    put_u32(req, 8);
    req[4] = 'S';
    put_u32(req + 5, count);
    put_u32(req + 9, size);
    uint64_t start = now_ns();
    write_all(fd, req, sizeof req);
    unsigned char header[5];
    unsigned char *payload = malloc(size + 1);
    uint64_t received = 0;
    for (;;) {
        if (read_exact(r, header, 5) != 0) die("read");
        if (header[4] == 'Z') break;
        if (read_exact(r, payload, get_u32(header)) != 0) die("read");
        received++;
    }
    double secs = (now_ns() - start) / 1e9;
    if (received != (uint64_t)count) {
        fprintf(stderr, "received %llu of %d\n", (unsigned long long)received, count);
        return 1;
    }
    report("c_stream", received, secs, NULL, 0);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "server") == 0) return run_server();
    if (argc >= 6 && strcmp(argv[1], "unary") == 0)
        return run_unary(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), atoi(argv[5]));
    if (argc >= 5 && strcmp(argv[1], "stream") == 0)
        return run_stream(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
    fprintf(stderr, "usage: echo server | unary PORT CONC SECONDS SIZE | stream PORT COUNT SIZE\n");
    return 64;
}
