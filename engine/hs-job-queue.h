/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-job-queue.h: one worker thread that runs jobs in order, and the way back.
 *
 * The main thread pushes a job (a function, its input, and the GTask that
 * completes it); the worker runs the jobs one at a time in push order, so a
 * job always sees the state every earlier job left. A job never touches its
 * GTask: it sets its result with hs_job_return_*(), and the main thread
 * returns the GTask when the job is done. A job can also post a callback to
 * the main thread while it runs (hs_job_queue_post).
 *
 * Both directions go through pthread mutexes: what a job's input holds is
 * the worker's once pushed, what its result holds is the main thread's once
 * delivered, and ThreadSanitizer sees both hand-overs.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _HsJobQueue HsJobQueue;
typedef struct _HsJob HsJob;

/* Runs on the worker. @owner is what the queue was made for (the target). */
typedef void (*HsJobFunc) (gpointer  owner,
                           HsJob    *job);

HsJobQueue   *hs_job_queue_new          (gpointer        owner,
                                         GMainContext   *main_context);
/* Main thread: runs @func on the worker with @data (owned by the job from now on); @task is
 * returned with the job's result on the main context. */
void          hs_job_queue_push         (HsJobQueue     *self,
                                         HsJobFunc       func,
                                         gpointer        data,
                                         GDestroyNotify  data_free,
                                         GTask          *task);
/* Main thread: like hs_job_queue_push(), but the job waits while other jobs are queued: work the
 * views do not wait for (a halt's whole task lists) never delays one they do. */
void          hs_job_queue_push_background (HsJobQueue  *self,
                                         HsJobFunc       func,
                                         gpointer        data,
                                         GDestroyNotify  data_free,
                                         GTask          *task);
/* Worker: @func runs on the main context with @data, which it owns from then on. */
void          hs_job_queue_post         (HsJobQueue     *self,
                                         GSourceFunc     func,
                                         gpointer        data,
                                         GDestroyNotify  data_free);
/* Main thread: lets the queued jobs run, then ends the worker and frees the queue. Results
 * not yet delivered are dropped with their tasks. */
void          hs_job_queue_free         (HsJobQueue     *self);
gboolean      hs_job_queue_is_worker    (HsJobQueue     *self);

/* On the worker, inside a job. */
gpointer      hs_job_get_data           (HsJob          *job);
GCancellable *hs_job_get_cancellable    (HsJob          *job);
HsJobQueue   *hs_job_get_queue          (HsJob          *job);
void          hs_job_return_pointer     (HsJob          *job,
                                         gpointer        result,
                                         GDestroyNotify  result_free);
void          hs_job_return_boolean     (HsJob          *job,
                                         gboolean        result);
void          hs_job_return_error       (HsJob          *job,
                                         GError         *error);
void          hs_job_return_new_error   (HsJob          *job,
                                         GQuark          domain,
                                         gint            code,
                                         const char     *format,
                                         ...) G_GNUC_PRINTF (4, 5);

G_END_DECLS
