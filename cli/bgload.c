/*
 * bgload.c - reading the binary on a thread of its own while audit and show
 * read the escape logs and the heap profile (issue #14).
 *
 * Who calls it: inputs_load (audit.c) when there is a log or a profile to
 * read besides the binary.  The two reads share nothing: the logs go into
 * an align_heap_join that sees the binary only at align_heap_join_finish,
 * after both are done; the binary goes into its own align_binary.  So on
 * two cores the wall time of the load is that of the longer read, not the
 * sum: cmd/compile's -m=2 log (423 MB) takes about as long as the binary
 * (24 MB, DWARF and Go functions).
 *
 * Once read, the binary is handed to the main thread (bg_binary_take),
 * and the thread goes on to place its Go types at their declarations
 * (go_source_locate: the files of --src and of the types' packages) while
 * the main thread joins the logs to the binary (escape_join_run): placing
 * needs the binary and not the join, the join the binary and not the
 * placed types.  Both only read the binary, except that placing sets the
 * types' positions (align_type_set_pos), which the join never reads; the
 * main thread's go_release_apply sets the graph's release, which placing
 * never reads.  bg_binary_finish joins the thread before anything reads a
 * position (the report).  Before, the join waited for the placing
 * (about 0.05 s on cmd/compile), on the critical path when the binary's
 * read ends after the log's.
 *
 * When the placing starts: as soon as the binary is read, unless the
 * caller's own reads keep every core busy meanwhile (place_when_taken: a
 * -json directory parsed on two threads on a two-core machine,
 * escape_load_fills_cores); then it waits for bg_binary_take, that is for
 * the logs to be read, and runs beside the join instead of taking CPU from
 * the log's parse.  On cmd/compile's -json directory (2 cores) that ends
 * the read ~10 ms sooner (0.235 -> 0.226 s for the whole audit); a text
 * log is read on one thread and leaves the other core free, so its types
 * are placed during the read as before (deferring them there too measured
 * 0.23 -> 0.26 s in one bench run: the core they used was idle).
 *
 * What the user sees does not change: nothing is printed on the reading
 * thread.  Its result, its error record (libalign keeps one per thread:
 * align_error_last) and its warnings are printed by bg_binary_take on
 * the main thread once the logs are read, the sources' read errors by
 * go_source_flush after bg_binary_finish (where go_source_new printed
 * them), and the join's messages after those (escape_join_report), so a
 * bad log is still reported
 * before anything about the binary, and a bad log means the binary is
 * never reported at all (bg_binary_cancel), as when the binary was read
 * after the logs.  The progress line "reading DWARF" is drawn by the main
 * thread from what the reading thread posts, once the logs are done and
 * only if the binary is still being read; its delay counts from the start
 * of the read.
 *
 * Memory: when the read ends, the thread gives the pages that libdwarf and
 * the reader freed back to the system (malloc_trim: glibc keeps a
 * thread's freed memory in that thread's arena otherwise), before it
 * hands the binary over and the join's tables grow.
 *
 * Rejected: threads inside libalign (align_binary_open reading on its own
 * thread): the library would impose threads on every caller, and the
 * overlap is a property of the command, which knows what else it reads.
 * (The one thread libalign starts is asked for: escape_load lets a -json
 * directory's files be parsed on two (align_heap_join_set_threads), the
 * order of the merge and its errors being the reader's own business.)
 */
#include "config.h"
#include "cli.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

struct bg_binary {
    pthread_t thread;
    char *path, *src_dir;
    unsigned flags;
    go_source *gosrc; /* the Go types placed (go_source_locate) */
    progress prog;    /* begun when the read starts; drawn by the main thread */
    /* The read's result, handed over (read, under mu) before the types
     * are placed; gosrc is the main thread's once the thread is joined. */
    align_binary *bin;
    int rc;
    align_error err; /* the reading thread's error record when rc < 0 */
    /* Progress and the end of the read, handed over under mu. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t done, total;
    bool posted, read, taken;
    /* When the thread places the types, under mu, told by place_cv:
     * place_when_taken holds it back until bg_binary_take sets place;
     * bg_binary_cancel sets drop instead. */
    bool place_when_taken, place, drop;
    pthread_cond_t place_cv;
};

/* Ends the reading thread's write of the state under mu: wakes the main
 * thread (wait_read) and lets go of mu. */
static void hand_over(bg_binary *bg)
{
    pthread_cond_signal(&bg->cv);
    pthread_mutex_unlock(&bg->mu);
}

/* align_progress_fn of the reading thread: posts, never prints. */
static void post_progress(void *user, uint64_t done, uint64_t total)
{
    bg_binary *bg = user;
    pthread_mutex_lock(&bg->mu);
    bg->done = done;
    bg->total = total;
    bg->posted = true;
    hand_over(bg);
}

static void *read_binary(void *arg)
{
    bg_binary *bg = arg;
    align_binary *bin = NULL;
    int rc = binary_read(&bin, bg->path, bg->flags, bg->prog.on ? post_progress : NULL, bg);
    if (rc < 0)
        bg->err = *align_error_last();
#ifdef HAVE_MALLOC_TRIM
    malloc_trim(0);
#endif
    /* The binary to the main thread, which joins the logs to it while
     * this thread places its types. */
    pthread_mutex_lock(&bg->mu);
    bg->bin = bin;
    bg->rc = rc;
    bg->read = true;
    pthread_cond_signal(&bg->cv);
    while (bg->place_when_taken && !bg->place && !bg->drop)
        pthread_cond_wait(&bg->place_cv, &bg->mu);
    bool drop = bg->drop;
    pthread_mutex_unlock(&bg->mu);
    if (rc >= 0 && !drop) {
        bg->gosrc = go_source_new_deferred(bg->src_dir);
        go_source_locate(bg->gosrc, bin);
    }
    return NULL;
}

bg_binary *bg_binary_start(const char *path, unsigned flags, const char *src_dir,
                           bool place_when_taken)
{
    bg_binary *bg = calloc(1, sizeof *bg);
    bool mu = false, cv = false, place_cv = false;
    if (bg == NULL)
        return NULL;
    bg->path = strdup(path);
    bg->src_dir = src_dir ? strdup(src_dir) : NULL;
    bg->flags = flags;
    bg->place_when_taken = place_when_taken;
    if (bg->path == NULL || (src_dir != NULL && bg->src_dir == NULL))
        goto fail;
    mu = pthread_mutex_init(&bg->mu, NULL) == 0;
    cv = mu && pthread_cond_init(&bg->cv, NULL) == 0;
    place_cv = cv && pthread_cond_init(&bg->place_cv, NULL) == 0;
    if (!place_cv)
        goto fail;
    progress_begin(&bg->prog, "reading DWARF");
    if (pthread_create(&bg->thread, NULL, read_binary, bg) == 0)
        return bg;
fail: /* nothing was read: the caller reads the binary itself */
    if (place_cv)
        pthread_cond_destroy(&bg->place_cv);
    if (cv)
        pthread_cond_destroy(&bg->cv);
    if (mu)
        pthread_mutex_destroy(&bg->mu);
    free(bg->src_dir);
    free(bg->path);
    free(bg);
    return NULL;
}

/* Waits for the read to end (not the placing of the types), drawing its
 * progress line meanwhile when draw. */
static void wait_read(bg_binary *bg, bool draw)
{
    bool finished = false;
    while (!finished) {
        uint64_t done = 0, total = 0;
        bool posted;
        pthread_mutex_lock(&bg->mu);
        while (!bg->read && !bg->posted)
            pthread_cond_wait(&bg->cv, &bg->mu);
        posted = bg->posted;
        done = bg->done;
        total = bg->total;
        bg->posted = false;
        finished = bg->read;
        pthread_mutex_unlock(&bg->mu);
        /* A read that ended before the logs did shows no line; one
         * being drawn shows its last figures (done == total). */
        if (posted && draw && (!finished || bg->prog.shown))
            progress_update(&bg->prog, done, total);
    }
    if (draw)
        progress_end(&bg->prog);
}

/* Lets the thread go on from the read: to place the types, or not. */
static void let_go(bg_binary *bg, bool drop)
{
    pthread_mutex_lock(&bg->mu);
    if (drop)
        bg->drop = true;
    else
        bg->place = true;
    pthread_cond_signal(&bg->place_cv);
    pthread_mutex_unlock(&bg->mu);
}

static void release(bg_binary *bg)
{
    pthread_cond_destroy(&bg->place_cv);
    pthread_cond_destroy(&bg->cv);
    pthread_mutex_destroy(&bg->mu);
    free(bg->src_dir);
    free(bg->path);
    free(bg);
}

align_binary *bg_binary_take(bg_binary *bg)
{
    wait_read(bg, true);
    bg->taken = true;
    let_go(bg, false);
    return binary_report(bg->path, bg->rc, bg->bin, &bg->err);
}

go_source *bg_binary_finish(bg_binary *bg)
{
    go_source *s;
    pthread_join(bg->thread, NULL);
    s = bg->gosrc;
    release(bg);
    return s;
}

void bg_binary_cancel(bg_binary *bg)
{
    if (bg == NULL)
        return;
    if (!bg->taken)
        wait_read(bg, false);
    let_go(bg, true);
    pthread_join(bg->thread, NULL);
    go_source_free(bg->gosrc);
    if (!bg->taken)
        align_binary_free(bg->bin);
    release(bg);
}
