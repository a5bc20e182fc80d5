/* pthreads: create/join, mutex + condition variable contention, thread-local storage,
 * gettid, tgkill to one thread, pthread_exit of main, robust mutex owner death,
 * per-thread CPU clocks, and exit_group while a thread is blocked in a syscall.
 * Prints "ok NAME" or "FAIL NAME: ..."; exits with the failure count. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;
#define CHECK(name, cond, ...) do { if (cond) printf("ok %s\n", name); \
    else { failures++; printf("FAIL %s: ", name); printf(__VA_ARGS__); printf("\n"); } } while (0)

#define NT 8
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter;
static __thread int tls_value = 7;
static int tids[NT];
static int tls_ok[NT];

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

static void *worker(void *arg) {
    int i = (int)(long)arg;
    tids[i] = gettid_();
    tls_ok[i] = tls_value == 7;
    tls_value = 100 + i;
    for (int k = 0; k < 20000; k++) {
        pthread_mutex_lock(&mu);
        counter++;
        pthread_mutex_unlock(&mu);
    }
    tls_ok[i] = tls_ok[i] && tls_value == 100 + i;
    return (void *)(long)(i * 3);
}

/* condition variable: a producer hands out items one at a time */
static int item, produced, consumed_sum;
static void *consumer(void *arg) {
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&mu);
        while (item == 0) pthread_cond_wait(&cv, &mu);
        int v = item;
        item = 0;
        consumed_sum += v > 0 ? v : 0;
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&mu);
        if (v < 0) return NULL;
    }
}

static volatile int usr1_tid;
static void on_usr1(int s) { (void)s; usr1_tid = gettid_(); }
static volatile int spin_stop;
static void *spinner(void *arg) {
    (void)arg;
    *(volatile int *)&tids[0] = gettid_();
    while (!spin_stop && !usr1_tid) { }
    return NULL;
}

static pthread_mutex_t robust;
static void *die_holding(void *arg) {
    (void)arg;
    pthread_mutex_lock(&robust);
    return NULL;                                   /* exits owning the lock */
}

static void *burn(void *arg) {
    (void)arg;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    do clock_gettime(CLOCK_MONOTONIC, &b); while ((b.tv_sec - a.tv_sec) * 1000000000L + b.tv_nsec - a.tv_nsec < 100000000L);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
    return (void *)(b.tv_sec * 1000000000L + b.tv_nsec);
}

static void *block_forever(void *arg) {
    int *fds = arg;
    char c;
    read(fds[0], &c, 1);                           /* nobody writes */
    return NULL;
}

static void *late_main_exit(void *arg) {
    (void)arg;
    usleep(50000);
    printf("ok pthread_exit-main\n");
    exit(0);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && !strcmp(argv[1], "main-exit")) {
        /* the main thread leaves with pthread_exit; the process lives on */
        pthread_t t;
        pthread_create(&t, NULL, late_main_exit, NULL);
        pthread_exit(NULL);
    }

    pthread_t th[NT];
    for (int i = 0; i < NT; i++) pthread_create(&th[i], NULL, worker, (void *)(long)i);
    int joined = 0;
    for (int i = 0; i < NT; i++) {
        void *r;
        if (pthread_join(th[i], &r) == 0 && (long)r == i * 3) joined++;
    }
    CHECK("create-join", joined == NT, "joined %d", joined);
    CHECK("mutex-counter", counter == NT * 20000L, "counter %ld", counter);
    int distinct = 1, tlsgood = 1;
    for (int i = 0; i < NT; i++) {
        if (tids[i] == getpid() || tids[i] <= 0) distinct = 0;
        for (int j = 0; j < i; j++) if (tids[i] == tids[j]) distinct = 0;
        tlsgood &= tls_ok[i];
    }
    CHECK("gettid-distinct", distinct && gettid_() == getpid(), "tids not distinct");
    CHECK("tls", tlsgood && tls_value == 7, "main tls %d", tls_value);

    pthread_t cons[4];
    for (int i = 0; i < 4; i++) pthread_create(&cons[i], NULL, consumer, NULL);
    for (int v = 1; v <= 1000; v++) {
        pthread_mutex_lock(&mu);
        while (item != 0) pthread_cond_wait(&cv, &mu);
        item = v;
        produced += v;
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&mu);
    }
    for (int i = 0; i < 4; i++) {
        pthread_mutex_lock(&mu);
        while (item != 0) pthread_cond_wait(&cv, &mu);
        item = -1;
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&mu);
    }
    for (int i = 0; i < 4; i++) pthread_join(cons[i], NULL);
    CHECK("condvar", consumed_sum == produced, "sum %d of %d", consumed_sum, produced);

    /* tgkill: the signal runs in the named thread */
    signal(SIGUSR1, on_usr1);
    tids[0] = 0;
    pthread_t sp;
    pthread_create(&sp, NULL, spinner, NULL);
    while (!*(volatile int *)&tids[0]) sched_yield();
    int target = tids[0];
    syscall(SYS_tgkill, getpid(), target, SIGUSR1);
    for (int i = 0; i < 2000 && !usr1_tid; i++) usleep(1000);
    spin_stop = 1;
    pthread_join(sp, NULL);
    CHECK("tgkill-thread", usr1_tid == target, "handler ran in %d, wanted %d", usr1_tid, target);
    errno = 0;
    CHECK("tgkill-esrch", syscall(SYS_tgkill, getpid(), 99999, SIGUSR1) == -1 && errno == ESRCH, "errno %d", errno);

    /* robust mutex: the owner dies, the next locker gets EOWNERDEAD */
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&robust, &ma);
    pthread_t d;
    pthread_create(&d, NULL, die_holding, NULL);
    pthread_join(d, NULL);
    int rc = pthread_mutex_lock(&robust);
    CHECK("robust-owner-died", rc == EOWNERDEAD, "lock returned %d", rc);
    if (rc == EOWNERDEAD) {
        pthread_mutex_consistent(&robust);
        pthread_mutex_unlock(&robust);
        CHECK("robust-recovered", pthread_mutex_lock(&robust) == 0, "relock failed");
        pthread_mutex_unlock(&robust);
    }

    /* thread CPU clocks are per thread */
    pthread_t b;
    void *cpu;
    pthread_create(&b, NULL, burn, NULL);
    pthread_join(b, &cpu);
    CHECK("thread-cputime", (long)cpu >= 60000000L && (long)cpu <= 200000000L, "burner thread cpu %ld ns", (long)cpu);
    /* another thread's CPU clock through pthread_getcpuclockid */
    pthread_t b2;
    clockid_t cid;
    pthread_create(&b2, NULL, burn, NULL);
    usleep(50000);
    struct timespec ts = {0, 0};
    int grc = pthread_getcpuclockid(b2, &cid);
    int crc = clock_gettime(cid, &ts);
    pthread_join(b2, NULL);
    CHECK("pthread_getcpuclockid", grc == 0 && crc == 0 && ts.tv_nsec + ts.tv_sec * 1000000000L > 0
          && ts.tv_sec == 0, "rc %d/%d %ld.%09ld", grc, crc, (long)ts.tv_sec, ts.tv_nsec);

    /* a thread blocked in read while another calls exit: the process still ends */
    pid_t pid = fork();
    if (pid == 0) {
        int fds[2];
        pipe(fds);
        pthread_t bt;
        pthread_create(&bt, NULL, block_forever, fds);
        usleep(20000);
        exit(42);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK("exit-with-blocked-thread", WIFEXITED(st) && WEXITSTATUS(st) == 42, "status %#x", st);

    /* pthread_exit of main in a child process */
    pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", argv[0], "main-exit", (char *)NULL);
        _exit(127);
    }
    waitpid(pid, &st, 0);
    CHECK("pthread_exit-main-status", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);

    printf("%d failures\n", failures);
    return failures;
}
