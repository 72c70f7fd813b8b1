/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-sync.c: worker threads and the way back to a main context, built on pthread so that
 * ThreadSanitizer sees every hand-over.
 *
 * GLib's own (a GTask run in a thread, an idle attached from a worker) allocate in one thread
 * and free in another through locks TSan cannot see. Here a GTask's thread function runs on one
 * of our workers; its hs_task_return_*() keep the result until the function returns, and the
 * result is given to the GTask in the thread that owns its main context, through one delivery
 * source per context that lives as long as the program. Nothing GLib allocates crosses threads.
 *
 * Owned by: a worker pool and a context's delivery record live forever (both are few); a Run
 * belongs to the caller until pushed, to a worker until it is queued as done, then to the
 * context's owner, which completes and frees it. Queues are under their pthread mutexes.
 */
#define G_LOG_DOMAIN "hs-sync"

#include "config.h"

#include "hs-sync.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- a main context's delivery source ------------------------------------------------- */

typedef struct
{
  GSourceFunc func;
  gpointer data;
  GDestroyNotify destroy;
} Post;

typedef struct
{
  GMainContext *context;        /* a reference, for as long as the program runs */
  GSource *source;              /* attached to @context, never destroyed */
  GQueue posts;                 /* of Post, under delivery_lock */
} Delivery;

static pthread_mutex_t delivery_lock = PTHREAD_MUTEX_INITIALIZER;
static GPtrArray *deliveries;   /* of Delivery*, under delivery_lock */

static gboolean
delivery_dispatch (GSource     *source,
                   GSourceFunc  callback,
                   gpointer     user_data)
{
  Delivery *d = user_data;

  g_source_set_ready_time (source, -1);
  for (;;)
    {
      Post *post;

      pthread_mutex_lock (&delivery_lock);
      post = g_queue_pop_head (&d->posts);
      pthread_mutex_unlock (&delivery_lock);
      if (post == NULL)
        break;
      post->func (post->data);
      if (post->destroy != NULL)
        post->destroy (post->data);
      g_free (post);
    }
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs delivery_funcs = { NULL, NULL, delivery_dispatch, NULL, NULL, NULL };

/* The context's delivery record, made on first use; delivery_lock held. */
static Delivery *
delivery_for (GMainContext *context)
{
  Delivery *d;

  if (deliveries == NULL)
    deliveries = g_ptr_array_new ();
  for (guint i = 0; i < deliveries->len; i++)
    if (((Delivery *) g_ptr_array_index (deliveries, i))->context == context)
      return g_ptr_array_index (deliveries, i);
  d = g_new0 (Delivery, 1);
  d->context = g_main_context_ref (context);
  g_queue_init (&d->posts);
  d->source = g_source_new (&delivery_funcs, sizeof (GSource));
  /* A callback that runs a nested main loop still gets later posts. */
  g_source_set_can_recurse (d->source, TRUE);
  g_source_set_priority (d->source, G_PRIORITY_DEFAULT);
  g_source_set_callback (d->source, NULL, d, NULL);
  g_source_set_static_name (d->source, "[hs-sync] deliver");
  g_source_set_ready_time (d->source, -1);
  g_source_attach (d->source, context);
  g_ptr_array_add (deliveries, d);
  return d;
}

/* Runs @func (@data) in the thread that owns @context (NULL: the global default), in the order
 * posted, never right away in the caller: from any thread. */
void
hs_context_post (GMainContext   *context,
                 GSourceFunc     func,
                 gpointer        data,
                 GDestroyNotify  destroy)
{
  Post *post = g_new0 (Post, 1);
  Delivery *d;

  post->func = func;
  post->data = data;
  post->destroy = destroy;
  pthread_mutex_lock (&delivery_lock);
  d = delivery_for (context != NULL ? context : g_main_context_default ());
  g_queue_push_tail (&d->posts, post);
  pthread_mutex_unlock (&delivery_lock);
  g_source_set_ready_time (d->source, 0);
}

/* ---- worker pools --------------------------------------------------------------------- */

typedef struct
{
  void (*func) (gpointer data);
  gpointer data;
} Work;

struct _HsWorkers
{
  char *name;                   /* immutable */
  guint max_threads;            /* immutable */
  gint nice;                    /* immutable */
  pthread_mutex_t lock;
  pthread_cond_t cond;
  GQueue queue;                 /* of Work, under lock */
  guint n_threads;              /* under lock */
  guint n_idle;                 /* under lock */
};

static void *
workers_main (void *data)
{
  HsWorkers *w = data;

  /* Linux: a thread's own nice value (the tid stands for it). */
  if (w->nice != 0 && setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), w->nice) != 0)
    g_debug ("%s: could not lower the thread's priority: %s", w->name, g_strerror (errno));
  pthread_mutex_lock (&w->lock);
  for (;;)
    {
      Work *work;

      while (w->queue.length == 0)
        {
          w->n_idle++;
          pthread_cond_wait (&w->cond, &w->lock);
          w->n_idle--;
        }
      work = g_queue_pop_head (&w->queue);
      pthread_mutex_unlock (&w->lock);
      work->func (work->data);
      g_free (work);
      pthread_mutex_lock (&w->lock);
    }
  return NULL;
}

/* A pool of at most @max_threads threads, started as work comes and kept; @nice > 0 lowers
 * their priority. Pools are never freed: make one per purpose, once. */
HsWorkers *
hs_workers_new (const char *name,
                guint       max_threads,
                gint        nice)
{
  HsWorkers *w = g_new0 (HsWorkers, 1);

  w->name = g_strdup (name);
  w->max_threads = MAX (max_threads, 1);
  w->nice = nice;
  pthread_mutex_init (&w->lock, NULL);
  pthread_cond_init (&w->cond, NULL);
  g_queue_init (&w->queue);
  return w;
}

void
hs_workers_push (HsWorkers *w,
                 void     (*func) (gpointer data),
                 gpointer   data)
{
  Work *work = g_new0 (Work, 1);

  work->func = func;
  work->data = data;
  pthread_mutex_lock (&w->lock);
  g_queue_push_tail (&w->queue, work);
  if (w->queue.length > w->n_idle && w->n_threads < w->max_threads)
    {
      pthread_t thread;
      pthread_attr_t attr;
      int err;

      pthread_attr_init (&attr);
      pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
      err = pthread_create (&thread, &attr, workers_main, w);
      pthread_attr_destroy (&attr);
      if (err != 0 && w->n_threads == 0)
        g_error ("%s: cannot start a thread: %s", w->name, g_strerror (err));
      if (err == 0)
        w->n_threads++;
    }
  pthread_cond_signal (&w->cond);
  pthread_mutex_unlock (&w->lock);
}

static HsWorkers *
default_workers (void)
{
  static gsize workers;

  if (g_once_init_enter (&workers))
    g_once_init_leave (&workers, (gsize) hs_workers_new ("hs-worker", 8, 0));
  return (HsWorkers *) workers;
}

/* ---- GTasks on our workers ------------------------------------------------------------ */

typedef enum
{
  RETURNED_NOTHING,
  RETURNED_POINTER,
  RETURNED_BOOLEAN,
  RETURNED_ERROR,
} Returned;

typedef struct
{
  GTask *task;                  /* a reference; completed by the context's owner */
  GTaskThreadFunc func;
  Returned returned;
  gpointer pointer;
  GDestroyNotify destroy;
  gboolean boolean;
  GError *error;
} Run;

static __thread Run *current_run;

static gboolean
run_complete (gpointer data)
{
  Run *run = data;

  switch (run->returned)
    {
    case RETURNED_POINTER:
      g_task_return_pointer (run->task, g_steal_pointer (&run->pointer), run->destroy);
      break;
    case RETURNED_BOOLEAN:
      g_task_return_boolean (run->task, run->boolean);
      break;
    case RETURNED_ERROR:
      g_task_return_error (run->task, g_steal_pointer (&run->error));
      break;
    case RETURNED_NOTHING:
    default:
      /* A function that returned its result with g_task_return_*() lands here too: a bug. */
      g_critical ("a thread ended without a result for its task (hs_task_return_*)");
      g_task_return_new_error (run->task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "internal error: a thread ended without a result");
      break;
    }
  return G_SOURCE_REMOVE;
}

static void
run_free (gpointer data)
{
  Run *run = data;

  g_object_unref (run->task);
  g_free (run);
}

static void
run_work (gpointer data)
{
  Run *run = data;

  current_run = run;
  run->func (run->task, g_task_get_source_object (run->task), g_task_get_task_data (run->task),
             g_task_get_cancellable (run->task));
  current_run = NULL;
  hs_context_post (g_task_get_context (run->task), run_complete, run, run_free);
}

void
hs_task_run_in_workers (GTask           *task,
                        GTaskThreadFunc  func,
                        HsWorkers       *workers)
{
  Run *run = g_new0 (Run, 1);

  run->task = g_object_ref (task);
  run->func = func;
  hs_workers_push (workers, run_work, run);
}

void
hs_task_run_in_thread (GTask           *task,
                       GTaskThreadFunc  func)
{
  hs_task_run_in_workers (task, func, default_workers ());
}

/* The result of the task this thread runs, kept for its context's owner; any other task's
 * goes to it at once. NULL also when it already returned: the caller drops the second. */
static Run *
run_of (GTask    *task,
        gboolean *twice)
{
  *twice = FALSE;
  if (current_run == NULL || current_run->task != task)
    return NULL;
  if (current_run->returned != RETURNED_NOTHING)
    {
      g_critical ("a thread returned the result of its task twice");
      *twice = TRUE;
      return NULL;
    }
  return current_run;
}

void
hs_task_return_pointer (GTask          *task,
                        gpointer        result,
                        GDestroyNotify  result_destroy)
{
  gboolean twice;
  Run *run = run_of (task, &twice);

  if (twice)
    {
      if (result_destroy != NULL && result != NULL)
        result_destroy (result);
      return;
    }
  if (run == NULL)
    {
      g_task_return_pointer (task, result, result_destroy);
      return;
    }
  run->returned = RETURNED_POINTER;
  run->pointer = result;
  run->destroy = result_destroy;
}

void
hs_task_return_boolean (GTask    *task,
                        gboolean  result)
{
  gboolean twice;
  Run *run = run_of (task, &twice);

  if (twice)
    return;
  if (run == NULL)
    {
      g_task_return_boolean (task, result);
      return;
    }
  run->returned = RETURNED_BOOLEAN;
  run->boolean = result;
}

void
hs_task_return_error (GTask  *task,
                      GError *error)
{
  gboolean twice;
  Run *run = run_of (task, &twice);

  if (twice)
    {
      g_error_free (error);
      return;
    }
  if (run == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  run->returned = RETURNED_ERROR;
  run->error = error;
}

void
hs_task_return_new_error (GTask      *task,
                          GQuark      domain,
                          gint        code,
                          const char *format,
                          ...)
{
  va_list args;
  GError *error;

  va_start (args, format);
  error = g_error_new_valist (domain, code, format, args);
  va_end (args);
  hs_task_return_error (task, error);
}

gpointer
hs_task_propagate_pointer (GTask   *task,
                           GError **error)
{
  return g_task_propagate_pointer (task, error);
}

gboolean
hs_task_propagate_boolean (GTask   *task,
                           GError **error)
{
  return g_task_propagate_boolean (task, error);
}

/* ---- reference-counted boxes ------------------------------------------------------------ */

/* The count sits before the data, 16 bytes so the data keeps malloc's alignment. */
typedef struct
{
  gint ref_count;
  gint padding[3];
} RcHeader;

G_STATIC_ASSERT (sizeof (RcHeader) == 16);

gpointer
hs_rc_box_alloc0 (gsize size)
{
  RcHeader *header = g_malloc0 (sizeof (RcHeader) + size);

  header->ref_count = 1;
  return header + 1;
}

gpointer
hs_rc_box_acquire (gpointer box)
{
  RcHeader *header = (RcHeader *) box - 1;

  __atomic_fetch_add (&header->ref_count, 1, __ATOMIC_RELAXED);
  return box;
}

void
hs_rc_box_release_full (gpointer       box,
                        GDestroyNotify clear)
{
  RcHeader *header = (RcHeader *) box - 1;

  /* Release: what this holder did comes before the last one's clear; acquire: the last one
   * sees everything the others did. */
  if (__atomic_fetch_sub (&header->ref_count, 1, __ATOMIC_ACQ_REL) != 1)
    return;
  if (clear != NULL)
    clear (box);
  g_free (header);
}
