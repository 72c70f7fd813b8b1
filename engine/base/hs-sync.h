/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-sync.h: locks and hand-overs between threads that ThreadSanitizer can see.
 *
 * Debian's GLib is not built with ThreadSanitizer, and its GMutex is a bare
 * futex: a lock taken inside GLib (GMutex, GAsyncQueue, a GTask's return, a
 * main context's idle) orders nothing in TSan's eyes, so every object handed
 * from one thread to another through GLib alone reads as a data race. Our own
 * locks are pthread mutexes, and where GLib carries a hand-over (a GTask run
 * in a thread, an idle posted to the main context) both ends say so.
 *
 * Every layer uses this header; it has no code of its own.
 */
#pragma once

#include <gio/gio.h>
#include <pthread.h>

#if defined(__SANITIZE_THREAD__)
# include <sanitizer/tsan_interface.h>
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  include <sanitizer/tsan_interface.h>
#  define __SANITIZE_THREAD__ 1
# endif
#endif

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

/* What this thread wrote before the release is seen by the thread that acquires @token after
 * it (the same pointer on both sides): for hand-overs GLib makes through its own locks. */
static inline void
hs_handover_release (gconstpointer token)
{
#ifdef __SANITIZE_THREAD__
  __tsan_release ((void *) token);
#else
  (void) token;
#endif
}

static inline void
hs_handover_acquire (gconstpointer token)
{
#ifdef __SANITIZE_THREAD__
  __tsan_acquire ((void *) token);
#else
  (void) token;
#endif
}

/* g_task_run_in_thread(), with the task's data handed over visibly in both directions: the
 * thread sees what the caller set up, and the callback (through hs_task_propagate_*) sees what
 * the thread returned. */
void      hs_task_run_in_thread        (GTask            *task,
                                        GTaskThreadFunc   func);
gpointer  hs_task_propagate_pointer    (GTask            *task,
                                        GError          **error);
gboolean  hs_task_propagate_boolean    (GTask            *task,
                                        GError          **error);

G_END_DECLS
