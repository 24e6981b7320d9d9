// ftcheck-test-args: lock-functions=db_enter:db_leave
// Locks a project takes its own way: Clang's thread-safety attributes,
// the libraries extensions embed (SDL, libuv), and functions named by
// -fplugin-arg-ftcheck-lock-functions. Writes between them are locked.
#include <Python.h>

struct __attribute__((capability("mutex"))) Mutex { int opaque; };
extern struct Mutex table_mutex;
void table_lock(void) __attribute__((acquire_capability(table_mutex)));
void table_unlock(void) __attribute__((release_capability(table_mutex)));

typedef struct SDL_mutex SDL_mutex;
int SDL_LockMutex(SDL_mutex *m);
int SDL_UnlockMutex(SDL_mutex *m);
extern SDL_mutex *sdl_mutex;

void db_enter(void);
void db_leave(void);

static long hits_attr, hits_sdl, hits_named, hits_bare;
static long guarded_count __attribute__((guarded_by(table_mutex)));

static PyObject *count(PyObject *self, PyObject *arg) {
    (void)self;
    (void)arg;
    table_lock();
    hits_attr++;
    guarded_count++;
    table_unlock();
    SDL_LockMutex(sdl_mutex);
    hits_sdl++;
    SDL_UnlockMutex(sdl_mutex);
    db_enter();
    hits_named++;
    db_leave();
    hits_bare++; // expected-warning {{counter 'hits_bare' is updated in 'count' without synchronisation}} expected-note@20 {{'hits_bare' is declared here}} expected-note {{make it _Atomic}}
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"count", count, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

PyObject *make(void) { return PyCFunction_New(methods, NULL); }

/* Small functions that only take or only release a lock are lock
 * functions too. */
static PyThread_type_lock stats_lock;
static long stats;

static void lock_stats(void) { PyThread_acquire_lock(stats_lock, 1); }
static void unlock_stats(void) { PyThread_release_lock(stats_lock); }

static PyObject *record(PyObject *self, PyObject *arg) {
    (void)self;
    (void)arg;
    lock_stats();
    stats++;
    unlock_stats();
    Py_RETURN_NONE;
}

static PyMethodDef more_methods[] = {
    {"record", record, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

PyObject *make_more(void) { return PyCFunction_New(more_methods, NULL); }
