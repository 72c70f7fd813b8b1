/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-sync.h: locks and hand-overs between threads that ThreadSanitizer can see.
 *
 * Debian's GLib is not built with ThreadSanitizer, and its GMutex is a bare
 * futex: a lock taken inside GLib (GMutex, GAsyncQueue, a GTask's return, a
 * main context's idle) orders nothing in TSan's eyes, so every object handed
 * from one thread to another through GLib alone reads as a data race. Our
 * locks are pthread's, our worker threads and their way back to a main
 * context are ours (hs-sync.c), and nothing GLib allocates crosses threads.
 *
 * Every layer uses this header.
 */
#pragma once

#include <gio/gio.h>
#include <pthread.h>
#include <time.h>

G_BEGIN_DECLS

typedef struct
{
  pthread_mutex_t mutex;
} HsMutex;

static inline void
hs_mutex_init (HsMutex *m)
{
  pthread_mutex_init (&m->mutex, NULL);
}

static inline void
hs_mutex_clear (HsMutex *m)
{
  pthread_mutex_destroy (&m->mutex);
}

static inline void
hs_mutex_lock (HsMutex *m)
{
  pthread_mutex_lock (&m->mutex);
}

static inline gboolean
hs_mutex_trylock (HsMutex *m)
{
  return pthread_mutex_trylock (&m->mutex) == 0;
}

static inline void
hs_mutex_unlock (HsMutex *m)
{
  pthread_mutex_unlock (&m->mutex);
}

/* A condition on an HsMutex, timed against the monotonic clock as g_get_monotonic_time(). */
typedef struct
{
  pthread_cond_t cond;
} HsCond;

static inline void
hs_cond_init (HsCond *c)
{
  pthread_condattr_t attr;

  pthread_condattr_init (&attr);
  pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
  pthread_cond_init (&c->cond, &attr);
  pthread_condattr_destroy (&attr);
}

static inline void
hs_cond_clear (HsCond *c)
{
  pthread_cond_destroy (&c->cond);
}

static inline void
hs_cond_broadcast (HsCond *c)
{
  pthread_cond_broadcast (&c->cond);
}

static inline void
hs_cond_signal (HsCond *c)
{
  pthread_cond_signal (&c->cond);
}

static inline void
hs_cond_wait (HsCond  *c,
              HsMutex *m)
{
  pthread_cond_wait (&c->cond, &m->mutex);
}

/* Waits until signalled or until @end_time (g_get_monotonic_time()'s clock, in µs); FALSE when
 * the time came. */
static inline gboolean
hs_cond_wait_until (HsCond  *c,
                    HsMutex *m,
                    gint64   end_time)
{
  struct timespec ts;

  ts.tv_sec = end_time / G_USEC_PER_SEC;
  ts.tv_nsec = (end_time % G_USEC_PER_SEC) * 1000;
  return pthread_cond_timedwait (&c->cond, &m->mutex, &ts) == 0;
}

/* Pools of worker threads (pthread), and the way back to a main context (hs-sync.c). */
typedef struct _HsWorkers HsWorkers;

HsWorkers *hs_workers_new            (const char       *name,
                                      guint             max_threads,
                                      gint              nice);
void       hs_workers_push           (HsWorkers        *workers,
                                      void            (*func) (gpointer data),
                                      gpointer          data);
void       hs_context_post           (GMainContext     *context,
                                      GSourceFunc       func,
                                      gpointer          data,
                                      GDestroyNotify    destroy);

/* g_task_run_in_thread(), on our own workers: @func must return its result with
 * hs_task_return_*(), which the GTask receives in the thread that owns its context when @func
 * has returned (so nothing of GLib's crosses threads, and ThreadSanitizer sees the hand-over). */
void       hs_task_run_in_thread     (GTask            *task,
                                      GTaskThreadFunc   func);
void       hs_task_run_in_workers    (GTask            *task,
                                      GTaskThreadFunc   func,
                                      HsWorkers        *workers);
void       hs_task_return_pointer    (GTask            *task,
                                      gpointer          result,
                                      GDestroyNotify    result_destroy);
void       hs_task_return_boolean    (GTask            *task,
                                      gboolean          result);
void       hs_task_return_error      (GTask            *task,
                                      GError           *error);
void       hs_task_return_new_error  (GTask            *task,
                                      GQuark            domain,
                                      gint              code,
                                      const char       *format,
                                      ...) G_GNUC_PRINTF (4, 5);
gpointer   hs_task_propagate_pointer (GTask            *task,
                                      GError          **error);
gboolean   hs_task_propagate_boolean (GTask            *task,
                                      GError          **error);

/* g_atomic_rc_box_*() with the count in our own code, where ThreadSanitizer sees it: the last
 * holder's clear and free come after every other holder's accesses in its eyes too. */
gpointer   hs_rc_box_alloc0          (gsize             size);
#define hs_rc_box_new0(Type) ((Type *) hs_rc_box_alloc0 (sizeof (Type)))
gpointer   hs_rc_box_acquire         (gpointer          box);
void       hs_rc_box_release_full    (gpointer          box,
                                      GDestroyNotify    clear);

G_END_DECLS
