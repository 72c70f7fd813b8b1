/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine-private.h: HsEngine, the façade views and the command language
 * use, split over files: hs-engine.c (state, run control), -machines.c
 * (machines and guests), -tasks.c, -memory.c, -registers.c, -breakpoints.c,
 * -session.c and -source.c, each the main thread's side of its subject.
 *
 * Every field here belongs to the main thread. The target (hs-target-*.c)
 * owns the probe and does the I/O on its worker; the two meet only through
 * jobs (data handed to the worker, results handed back) and the few shared
 * values marked so in hs-target-private.h.
 */
#pragma once

#include "hs-engine.h"
#include "hs-breakpoint-list.h"
#include "hs-guest-model.h"
#include "hs-machine.h"
#include "hs-symbol-scope.h"
#include "hs-target-private.h"

G_BEGIN_DECLS

struct _HsEngine
{
  GObject parent_instance;

  /* Owned */
  HsTarget *target;
  HsSymbolScope *symbols;       /* shared with the target: it locks itself */
  HsReplanBox replan;           /* shared with the target: it locks itself */
  HsProbe *probe;               /* the attached one, to interrupt it (thread-safe) */
  GListStore *cores;
  GPtrArray *register_infos;    /* the main thread's copy, valid across detach */
  GMainContext *main_context;
  GCancellable *run_cancellable;
  GList *pending_halts;         /* of PendingHalt */
  guint halt_timeout_id;        /* shows a slow halt as waiting */
  gboolean waiting_for_halt;
  gboolean detach_queued;       /* a detach job is queued: an attach finishing now keeps still */
  char *target_name;

  HsEngineState state;
  guint current_core;
  HsStopEvent last_stop;
  HsGuestModel *guest_model;    /* machines, vCPUs, tasks */
  char *guests_note;            /* why the guests are not all there, from the last discovery */
  GHashTable *slide_notes;      /* machine -> why its kernel's KASLR slide is unknown */
  guint refresh_source;         /* in main_context: reading the guests again after writes */
  HsTask *current_task;         /* the context views and commands default to, or NULL */
  gboolean tasks_pending;       /* this halt's guests or tasks come once symbols are indexed,
                                 * or its whole task lists are still being read */
  GCancellable *tasks_cancellable; /* the whole lists' read, cancelled when the target runs */
  guint halt_generation;        /* counts halts: a late task list of an older one is dropped */
  GList *task_waiters;          /* of GTask, completed when they have come */
  HsBreakpointList *breakpoints;

  /* Kernel modules (hs-engine-modules.c), main thread */
  char *module_notes;           /* what the last halt could not read of the guests' modules */
  GPtrArray *module_paths;      /* of ModulePath: where debug files of modules are looked for */
  gboolean module_autoload;     /* bind a module's debug file when it appears */
  guint module_loads;           /* module symbol loads in flight: task waiters wait for them */
  GHashTable *module_tried;     /* "machine:name:text" of modules whose file was looked for */
  GHashTable *log_marks;        /* machine -> LogMark: the newest record its reads saw, per halt */

  /* Watches (hs-engine-vars.c), main thread */
  GListStore *watches;          /* of HsWatch */
  GCancellable *watch_cancellable; /* this halt's evaluations, cancelled when the target runs */
  guint watch_idle;             /* the coalesced evaluation of every watch after a halt */
  guint watch_generation;       /* counts halts and runs: a late result of an older one is dropped */
  guint watch_evaluations;      /* in flight */
  GList *watch_waiters;         /* of GTask, completed when none is in flight */
};

/* hs-engine.c */
/* Runs @func on the target's worker with @data; @task gets its result. */
void      hs_engine_queue_job            (HsEngine       *self,
                                          GTask          *task,
                                          HsJobFunc       func,
                                          gpointer        data,
                                          GDestroyNotify  data_free);
void      hs_engine_forward_result       (GObject        *object,
                                          GAsyncResult   *result,
                                          gpointer        user_data);
void      hs_engine_set_result_free      (GTask          *job,
                                          GDestroyNotify  free_result);
GTask    *hs_engine_new_halted_task      (HsEngine       *self,
                                          gpointer        source_tag,
                                          GCancellable   *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer        user_data);
gboolean  hs_engine_check_state          (HsEngine       *self,
                                          HsEngineState   wanted,
                                          GError        **error);
void      hs_engine_connection_lost      (HsEngine       *self,
                                          const GError   *error);
void      hs_engine_emit_registers_written (HsEngine     *self,
                                          guint           core);
void      hs_engine_set_state            (HsEngine       *self,
                                          HsEngineState   state);
/* A snapshot from the worker becomes the halt every view sees; @notify: emit "halted". */
void      hs_engine_apply_snapshot       (HsEngine       *self,
                                          Snapshot       *snap,
                                          gboolean        notify);
/* Plants the run plan (and a temporary stop at @until) and resumes; @go_task, if any, is
 * completed once the target runs. */
void      hs_engine_start_running        (HsEngine       *self,
                                          GTask          *go_task,
                                          const HsHitScope *until);
void      hs_engine_fail_pending_halts   (HsEngine       *self,
                                          const GError   *error);
void      hs_engine_mark_detached        (HsEngine       *self,
                                          const GError   *why);
void      hs_engine_take_target_name     (HsEngine       *self,
                                          char           *name);
/* The task @core runs inside its guest, or NULL (the core is in Xen, or no task is known). */
HsTask   *hs_engine_find_core_task       (HsEngine       *self,
                                          guint           core);

/* hs-engine-modules.c */
void      hs_engine_modules_init         (HsEngine       *self);

/* hs-engine-vars.c */
void      hs_engine_watches_init         (HsEngine       *self);
void      hs_engine_watches_dispose      (HsEngine       *self);
void      hs_engine_watches_finalize     (HsEngine       *self);
void      hs_engine_watches_halted       (HsEngine       *self);
void      hs_engine_watches_resumed      (HsEngine       *self);
void      hs_engine_modules_finalize     (HsEngine       *self);
void      hs_engine_apply_modules        (HsEngine       *self,
                                          Snapshot       *snap);

/* hs-engine-machines.c */
void      hs_engine_machines_class_init  (GObjectClass   *klass);
void      hs_engine_machines_init        (HsEngine       *self);
void      hs_engine_machines_finalize    (HsEngine       *self);
/* Machines appear or change as the snapshot says. */
void      hs_engine_read_all_tasks       (HsEngine       *self,
                                          gint            only_machine);
void      hs_engine_apply_guests         (HsEngine       *self,
                                          Snapshot       *snap);
void      hs_engine_refresh_guests       (HsEngine       *self);
void      hs_engine_note_guests          (HsEngine       *self,
                                          Snapshot       *snap);

/* hs-engine-tasks.c */
/* Whether this halt's guests and tasks are still to come (symbols being indexed); clearing it
 * completes hs_engine_wait_for_tasks_async(). */
void      hs_engine_set_tasks_pending    (HsEngine       *self,
                                          gboolean        pending);

/* hs-engine-registers.c */
void      hs_engine_update_saved_vcpu    (HsEngine       *self,
                                          guint           machine,
                                          guint           vcpu,
                                          const char     *member,
                                          guint64         value);

/* hs-engine-breakpoints.c */
void      hs_engine_breakpoints_init     (HsEngine       *self);
void      hs_engine_breakpoints_finalize (HsEngine       *self);
HsRunPlan *hs_run_plan_new               (HsEngine       *self);
void      hs_engine_apply_breakpoint_hit (HsEngine       *self,
                                          Snapshot       *snap);

G_END_DECLS
