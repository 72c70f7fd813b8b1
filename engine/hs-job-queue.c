/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-job-queue.c: the worker thread and its two queues.
 *
 * Owned by: the queue itself is refcounted (atomically): the main thread's
 * owner and the worker hold a reference each, and so does every foreground job
 * until it is freed after its delivery. Under @lock: the pending jobs (main ->
 * worker), @in_flight and @stopping. A background job runs only when no other
 * job is pending and every foreground job's result has been delivered (its
 * callback has run, and queued what it wanted next): a view that asks for its
 * disassembly once its stack arrived is not queued behind a long walk. A job belongs to the main thread until
 * pushed, to the worker until it is posted back (hs_context_post(), in the
 * order the worker finished them; a GTask may still defer its own callback
 * to an idle), then to the main thread again; a delivery needs only the job,
 * never the queue.
 */
#define G_LOG_DOMAIN "hs-job-queue"

#include "config.h"

#include "hs-job-queue.h"
#include "hs-sync.h"

#include <pthread.h>

typedef enum
{
  RESULT_NONE,
  RESULT_POINTER,
  RESULT_BOOLEAN,
  RESULT_ERROR,
} ResultKind;

struct _HsJob
{
  HsJobQueue *queue;
  HsJobFunc func;               /* NULL: a post */
  gpointer data;
  GDestroyNotify data_free;
  GTask *task;                  /* main thread only */
  gboolean foreground;          /* counted in the queue's @in_flight until freed */
  GCancellable *cancellable;
  GSourceFunc post;             /* a post's callback */

  ResultKind kind;
  gpointer result;
  GDestroyNotify result_free;
  gboolean boolean;
  GError *error;
};

struct _HsJobQueue
{
  gint ref_count;               /* atomic */
  gpointer owner;               /* immutable */
  GMainContext *context;        /* immutable */
  pthread_t thread;             /* immutable once started */

  pthread_mutex_t lock;
  pthread_cond_t cond;
  GQueue pending;               /* of HsJob, under lock */
  GQueue background;            /* of HsJob, under lock: after every pending one */
  guint in_flight;              /* under lock: foreground jobs pushed and not yet freed */
  gboolean stopping;            /* under lock */
};

static void queue_unref (HsJobQueue *self);

static void
job_free (HsJob *job)
{
  HsJobQueue *queue = job->foreground ? job->queue : NULL;

  if (job->data_free != NULL)
    job->data_free (job->data);
  if (job->result_free != NULL && job->result != NULL)
    job->result_free (job->result);
  g_clear_error (&job->error);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->task);
  g_free (job);
  /* After its delivery (this runs as the post's destroy notify): background work may go. */
  if (queue != NULL)
    {
      pthread_mutex_lock (&queue->lock);
      if (--queue->in_flight == 0)
        pthread_cond_signal (&queue->cond);
      pthread_mutex_unlock (&queue->lock);
      queue_unref (queue);
    }
}

static void
queue_unref (HsJobQueue *self)
{
  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_queue_clear_full (&self->pending, (GDestroyNotify) job_free);
  g_queue_clear_full (&self->background, (GDestroyNotify) job_free);
  pthread_mutex_destroy (&self->lock);
  pthread_cond_destroy (&self->cond);
  g_main_context_unref (self->context);
  g_free (self);
}

/* ---- main thread: deliveries ------------------------------------------------------------ */

static void
deliver (HsJob *job)
{
  if (job->func == NULL)
    {
      if (job->post != NULL)
        job->post (job->data);
      return;
    }
  if (job->task == NULL)
    return;
  switch (job->kind)
    {
    case RESULT_POINTER:
      g_task_return_pointer (job->task, g_steal_pointer (&job->result),
                             g_steal_pointer (&job->result_free));
      break;
    case RESULT_BOOLEAN:
      g_task_return_boolean (job->task, job->boolean);
      break;
    case RESULT_ERROR:
      g_task_return_error (job->task, g_steal_pointer (&job->error));
      break;
    case RESULT_NONE:
    default:
      g_task_return_new_error (job->task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "internal error: a job ended without a result");
      break;
    }
}

static gboolean
deliver_job (gpointer data)
{
  deliver (data);
  return G_SOURCE_REMOVE;
}

/* Worker: @job goes back to the main thread. */
static void
queue_done (HsJobQueue *self,
            HsJob      *job)
{
  hs_context_post (self->context, deliver_job, job, (GDestroyNotify) job_free);
}

/* ---- worker ----------------------------------------------------------------------------- */

static void *
worker_main (void *data)
{
  HsJobQueue *self = data;

  for (;;)
    {
      HsJob *job;

      pthread_mutex_lock (&self->lock);
      while (self->pending.length == 0 && !self->stopping
             && (self->background.length == 0 || self->in_flight > 0))
        pthread_cond_wait (&self->cond, &self->lock);
      job = g_queue_pop_head (&self->pending);
      if (job == NULL)
        job = g_queue_pop_head (&self->background);
      pthread_mutex_unlock (&self->lock);
      if (job == NULL)
        break;
      job->func (self->owner, job);
      /* The input is the worker's: it is freed here, before the hand-over back. */
      if (job->data_free != NULL)
        job->data_free (job->data);
      job->data = NULL;
      job->data_free = NULL;
      queue_done (self, job);
    }
  queue_unref (self);
  return NULL;
}

HsJobQueue *
hs_job_queue_new (gpointer      owner,
                  GMainContext *main_context)
{
  HsJobQueue *self = g_new0 (HsJobQueue, 1);
  int err;

  self->ref_count = 2;   /* the owner's, and the worker's */
  self->owner = owner;
  self->context = g_main_context_ref (main_context);
  pthread_mutex_init (&self->lock, NULL);
  pthread_cond_init (&self->cond, NULL);
  g_queue_init (&self->pending);
  g_queue_init (&self->background);
  err = pthread_create (&self->thread, NULL, worker_main, self);
  if (err != 0)
    g_error ("cannot start the engine's worker thread: %s", g_strerror (err));
  return self;
}

static void
push (HsJobQueue     *self,
      GQueue         *queue,
      HsJobFunc       func,
      gpointer        data,
      GDestroyNotify  data_free,
      GTask          *task)
{
  HsJob *job = g_new0 (HsJob, 1);

  job->queue = self;
  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->task = task ? g_object_ref (task) : NULL;
  if (task != NULL && g_task_get_cancellable (task) != NULL)
    job->cancellable = g_object_ref (g_task_get_cancellable (task));
  job->foreground = queue == &self->pending;
  if (job->foreground)
    g_atomic_int_inc (&self->ref_count);
  pthread_mutex_lock (&self->lock);
  if (job->foreground)
    self->in_flight++;
  g_queue_push_tail (queue, job);
  pthread_cond_signal (&self->cond);
  pthread_mutex_unlock (&self->lock);
}

void
hs_job_queue_push (HsJobQueue     *self,
                   HsJobFunc       func,
                   gpointer        data,
                   GDestroyNotify  data_free,
                   GTask          *task)
{
  g_return_if_fail (func != NULL);
  push (self, &self->pending, func, data, data_free, task);
}

void
hs_job_queue_push_background (HsJobQueue     *self,
                              HsJobFunc       func,
                              gpointer        data,
                              GDestroyNotify  data_free,
                              GTask          *task)
{
  g_return_if_fail (func != NULL);
  push (self, &self->background, func, data, data_free, task);
}

void
hs_job_queue_post (HsJobQueue     *self,
                   GSourceFunc     func,
                   gpointer        data,
                   GDestroyNotify  data_free)
{
  HsJob *post = g_new0 (HsJob, 1);

  post->queue = self;
  post->post = func;
  post->data = data;
  post->data_free = data_free;
  queue_done (self, post);
}

void
hs_job_queue_free (HsJobQueue *self)
{
  if (self == NULL)
    return;
  pthread_mutex_lock (&self->lock);
  self->stopping = TRUE;
  pthread_cond_signal (&self->cond);
  pthread_mutex_unlock (&self->lock);
  pthread_join (self->thread, NULL);
  queue_unref (self);
}

gboolean
hs_job_queue_is_worker (HsJobQueue *self)
{
  return pthread_equal (pthread_self (), self->thread);
}

/* ---- inside a job ----------------------------------------------------------------------- */

gpointer
hs_job_get_data (HsJob *job)
{
  return job->data;
}

GCancellable *
hs_job_get_cancellable (HsJob *job)
{
  return job->cancellable;
}

HsJobQueue *
hs_job_get_queue (HsJob *job)
{
  return job->queue;
}

void
hs_job_return_pointer (HsJob          *job,
                       gpointer        result,
                       GDestroyNotify  result_free)
{
  g_return_if_fail (job->kind == RESULT_NONE);
  job->kind = RESULT_POINTER;
  job->result = result;
  job->result_free = result_free;
}

void
hs_job_return_boolean (HsJob    *job,
                       gboolean  result)
{
  g_return_if_fail (job->kind == RESULT_NONE);
  job->kind = RESULT_BOOLEAN;
  job->boolean = result;
}

void
hs_job_return_error (HsJob  *job,
                     GError *error)
{
  g_return_if_fail (job->kind == RESULT_NONE);
  job->kind = RESULT_ERROR;
  job->error = error;
}

void
hs_job_return_new_error (HsJob      *job,
                         GQuark      domain,
                         gint        code,
                         const char *format,
                         ...)
{
  va_list args;

  va_start (args, format);
  hs_job_return_error (job, g_error_new_valist (domain, code, format, args));
  va_end (args);
}
