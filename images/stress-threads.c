/* Issue #5 stress test, threads: 16 threads x 100,000 mutex-protected increments, and
 * 100,000 items handed from 2 producers to 2 consumers through a 16-slot bounded buffer
 * with a mutex and two condition variables, checked by count, sum and sum of squares
 * computed on both sides, plus a 1:1 run that checks the order. Prints ok/FAIL lines,
 * "info" lines with timings, then "N failures"; exits N. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int failures;
#define CHECK(name, cond, ...) do { if (cond) printf("ok %s\n", name); else { failures++; printf("FAIL %s: ", name); printf(__VA_ARGS__); printf("\n"); } } while (0)

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- 16 x 100,000 increments under one mutex ---- */
#define COUNTER_THREADS 16
#define INCREMENTS 100000
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile long counter;
static void *incrementer(void *arg) {
    (void)arg;
    long mine = 0;
    for (int i = 0; i < INCREMENTS; i++) {
        pthread_mutex_lock(&counter_lock);
        long v = counter;      /* a read-modify-write that races without the lock */
        counter = v + 1;
        pthread_mutex_unlock(&counter_lock);
        mine++;
    }
    return (void *)mine;
}

/* ---- bounded buffer ---- */
#define SLOTS 16
#define ITEMS 100000
static uint64_t slots[SLOTS];
static int head, count, done;
static pthread_mutex_t buf_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;

struct side { uint64_t first, n, step; uint64_t items, sum, sumsq; int in_order; };

static uint64_t item_value(uint64_t i) { return i * 0x9E3779B97F4A7C15ull + 1; }

static void put(uint64_t v) {
    pthread_mutex_lock(&buf_lock);
    while (count == SLOTS) pthread_cond_wait(&not_full, &buf_lock);
    slots[(head + count) % SLOTS] = v;
    count++;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&buf_lock);
}
/* 0 when the buffer is empty and the producers are finished. */
static int take(uint64_t *v) {
    pthread_mutex_lock(&buf_lock);
    while (count == 0 && !done) pthread_cond_wait(&not_empty, &buf_lock);
    if (count == 0) { pthread_mutex_unlock(&buf_lock); return 0; }
    *v = slots[head];
    head = (head + 1) % SLOTS;
    count--;
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&buf_lock);
    return 1;
}
static void *producer(void *arg) {
    struct side *s = arg;
    for (uint64_t k = 0; k < s->n; k++) {
        uint64_t v = item_value(s->first + k * s->step);
        put(v);
        s->items++; s->sum += v; s->sumsq += v * v;
    }
    return 0;
}
static void *consumer(void *arg) {
    struct side *s = arg;
    uint64_t v, expect = 0;
    s->in_order = 1;
    while (take(&v)) {
        if (v != item_value(expect++)) s->in_order = 0;
        s->items++; s->sum += v; s->sumsq += v * v;
    }
    return 0;
}

/* Runs np producers and nc consumers over ITEMS items; returns 0 on thread errors. */
static int handoff(int np, int nc, struct side *prod, struct side *cons) {
    pthread_t pt[4], ct[4];
    head = count = done = 0;
    memset(prod, 0, sizeof(struct side) * np);
    memset(cons, 0, sizeof(struct side) * nc);
    for (int i = 0; i < nc; i++) if (pthread_create(&ct[i], 0, consumer, &cons[i])) return 0;
    for (int i = 0; i < np; i++) {
        prod[i].first = i; prod[i].step = np; prod[i].n = ITEMS / np;
        if (pthread_create(&pt[i], 0, producer, &prod[i])) return 0;
    }
    for (int i = 0; i < np; i++) pthread_join(pt[i], 0);
    pthread_mutex_lock(&buf_lock);
    done = 1;
    pthread_cond_broadcast(&not_empty);
    pthread_mutex_unlock(&buf_lock);
    for (int i = 0; i < nc; i++) pthread_join(ct[i], 0);
    return 1;
}

static void sum_sides(struct side *s, int n, struct side *total) {
    memset(total, 0, sizeof *total);
    for (int i = 0; i < n; i++) { total->items += s[i].items; total->sum += s[i].sum; total->sumsq += s[i].sumsq; }
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);

    uint64_t t0 = now_ms();
    pthread_t th[COUNTER_THREADS];
    int created = 0;
    for (int i = 0; i < COUNTER_THREADS; i++) if (pthread_create(&th[i], 0, incrementer, 0) == 0) created++;
    long joined_sum = 0;
    for (int i = 0; i < created; i++) { void *r = 0; pthread_join(th[i], &r); joined_sum += (long)r; }
    CHECK("mutex-threads-created", created == COUNTER_THREADS, "created %d", created);
    CHECK("mutex-counter-total", counter == (long)COUNTER_THREADS * INCREMENTS && joined_sum == counter,
          "counter %ld, joined %ld, expected %ld", counter, joined_sum, (long)COUNTER_THREADS * INCREMENTS);
    printf("info mutex 16x100000 increments: %llu ms\n", (unsigned long long)(now_ms() - t0));

    /* Expected checksums, computed without threads. */
    struct side expect = {0};
    for (uint64_t i = 0; i < ITEMS; i++) {
        uint64_t v = item_value(i);
        expect.items++; expect.sum += v; expect.sumsq += v * v;
    }

    struct side prod[4], cons[4], ptot, ctot;
    t0 = now_ms();
    int ok = handoff(1, 1, prod, cons);
    CHECK("condvar-1to1-items", ok && cons[0].items == ITEMS && prod[0].items == ITEMS,
          "ok %d, produced %llu, consumed %llu", ok, (unsigned long long)prod[0].items, (unsigned long long)cons[0].items);
    CHECK("condvar-1to1-order", ok && cons[0].in_order, "items arrived out of order");
    CHECK("condvar-1to1-checksum", ok && cons[0].sum == expect.sum && cons[0].sumsq == expect.sumsq,
          "sum %llx vs %llx", (unsigned long long)cons[0].sum, (unsigned long long)expect.sum);
    printf("info condvar 1 producer 1 consumer, 100000 items: %llu ms\n", (unsigned long long)(now_ms() - t0));

    t0 = now_ms();
    ok = handoff(2, 2, prod, cons);
    sum_sides(prod, 2, &ptot);
    sum_sides(cons, 2, &ctot);
    CHECK("condvar-2to2-items", ok && ctot.items == ITEMS && ptot.items == ITEMS,
          "ok %d, produced %llu, consumed %llu", ok, (unsigned long long)ptot.items, (unsigned long long)ctot.items);
    CHECK("condvar-2to2-checksum",
          ok && ctot.sum == ptot.sum && ctot.sumsq == ptot.sumsq && ptot.sum == expect.sum && ptot.sumsq == expect.sumsq,
          "consumed sum %llx sumsq %llx, produced sum %llx sumsq %llx, expected %llx %llx",
          (unsigned long long)ctot.sum, (unsigned long long)ctot.sumsq, (unsigned long long)ptot.sum,
          (unsigned long long)ptot.sumsq, (unsigned long long)expect.sum, (unsigned long long)expect.sumsq);
    printf("info condvar 2 producers 2 consumers, 100000 items: %llu ms (consumers took %llu and %llu)\n",
           (unsigned long long)(now_ms() - t0), (unsigned long long)cons[0].items, (unsigned long long)cons[1].items);

    printf("%d failures\n", failures);
    return failures;
}
