/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine-private.h: HsEngine is one class split over files:
 * hs-engine.c (run control), hs-engine-machines.c (machines, symbol
 * bindings, translation contexts) and hs-engine-memory.c (memory by any
 * address form, MMU queries).
 *
 * Fields are grouped by the thread that owns them. "Worker" fields are
 * touched only by jobs on the worker thread, which run one at a time in
 * queue order, so a job always sees the state every earlier job left.
 */
#pragma once

#include "hs-engine.h"
#include "hs-sync.h"
#include "hs-machine-private.h"
#include "hs-task-private.h"
#include "hs-xen.h"
#include "hs-mmu.h"
#include "hs-symbol-file.h"
#include "hs-symbol-scope.h"

G_BEGIN_DECLS

/* Machine ids stay below this: the per-halt TLB keys a page by its machine in 12 bits. */
#define HS_ENGINE_MAX_MACHINE 0x1000

typedef void (*JobFunc) (HsEngine *self,
                         GTask    *task,
                         gpointer  data);

typedef struct
{
  JobFunc func;
  GTask *task;
} Job;

/* What a halt leaves behind, read on the worker and applied on the main context. */
typedef struct
{
  HsStopEvent stop;
  guint n_cores;
  guint n_registers;
  guint64 *values;              /* n_cores x n_registers */
  gboolean *valid;
  GError *step_error;           /* a step that needed a forced halt */
  gboolean was_running;         /* attach only */
  GArray *guests;               /* of HsXenDomain, with machine ids; NULL: not read */
  guint64 *current_vcpus;       /* per core: Xen's curr_vcpu (struct vcpu *), or NULL */
  GArray *tasks;                /* of HsTaskRecord: every guest's tasks; NULL: not read */
  GString *task_notes;          /* what could not be read, per guest */
  GError *discovery_error;      /* why the guests could not be read, if they could not */
  gboolean hit_valid;           /* a breakpoint stop: the pc of the stopping core */
  guint64 hit_pc;
  guint hit_id;                 /* the breakpoint whose scope the hit matched; 0: none */
  GHashTable *filtered;         /* breakpoint id -> hits stepped past while running */
  GHashTable *passed;           /* breakpoint id -> passes toward its /COUNT */
  gboolean deferred;            /* guests or tasks wait for symbols still being indexed */
} Snapshot;

/* A breakpoint as the probe sees it: one per address and kind, whatever the scopes. */
typedef struct
{
  HsBreakpointType kind;
  guint64 address;
} HsPlant;

/* What a hit at @address must match to stop the target; the worker's copy of a breakpoint. */
typedef struct
{
  guint id;                     /* 0: a temporary breakpoint (Step.Over, run to) */
  guint64 address;
  gint machine;                 /* -1: any */
  gint pid;                     /* -1: any */
  char *name;                   /* NULL: any */
  guint64 space;                /* a process's tgid for a user-space address; 0: any */
  guint passes_left;            /* /COUNT: matching passes before the one that stops; 0: none */
  char *condition;              /* /CONDition, or NULL */
} HsHitScope;

/* What one resume plants and checks; filled on the main thread, used by the worker. */
typedef struct
{
  GArray *plants;               /* of HsPlant */
  GArray *scopes;               /* of HsHitScope */
  GHashTable *filtered;         /* breakpoint id -> hits stepped past, counted by the worker */
  GHashTable *passed;           /* breakpoint id -> passes toward its /COUNT */
} HsRunPlan;

/* A symbol file bound to a machine and space at a load offset. */
typedef struct
{
  HsSymbolFile *file;
  guint machine;
  guint64 space;
  guint64 offset;
} HsBinding;

struct _HsEngine
{
  GObject parent_instance;

  /* Owned, main thread */
  HsProbe *probe;
  GListStore *cores;
  GListStore *machines;         /* of HsMachine, by id */
  GPtrArray *register_infos;    /* copies of the probe's, valid across detach */
  GArray *prefetch;             /* register indexes read at every halt */
  GThreadPool *worker;
  GMainContext *main_context;
  GCancellable *run_cancellable;
  GList *pending_halts;         /* of PendingHalt */
  guint halt_timeout_id;        /* shows a slow halt as waiting */
  gboolean waiting_for_halt;
  char *target_name;

  /* Any thread (it locks itself): what symbols each machine has */
  HsSymbolScope *symbols;

  /* Worker only */
  guint w_n_cores;
  guint64 *w_values;            /* the last snapshot's registers, n_cores x n_registers */
  gboolean *w_valid;
  GArray *w_guests;             /* of HsXenDomain from the last discovery */
  guint64 *w_current_vcpus;     /* per core: the vCPU Xen runs there, 0 if unknown */
  GHashTable *w_layouts;        /* HsSymbolFile -> HsLinuxLayout, looked up once per vmlinux */
  GArray *w_spaces;             /* of guint64 quads: machine, tgid, mm->pgd, ASID of processes */
  GHashTable *w_contexts;       /* machine -> HsMmuContext for its kernel space, this halt */
  GHashTable *w_tlb;            /* (4K VA page | machine) -> 4K PA page, this halt */
  GHashTable *w_domid_to_machine; /* stable machine ids for the session */
  GHashTable *w_vmid_to_machine; /* ... of guests seen by VMID before Xen's symbols came */
  guint w_next_machine;

  HsEngineState state;
  gint halt_requested;          /* atomic: Break arrived before the resume reached the wire */
  guint current_core;
  HsStopEvent last_stop;
  guint64 *current_vcpus;       /* main thread's copy of the last halt's, per core */
  GArray *guests;               /* main thread's copy of the last halt's HsXenDomain */
  GListStore *tasks;            /* of HsTask, every guest's */
  char *task_notes;
  HsTask *current_task;         /* the context views and commands default to, or NULL */
  gboolean tasks_pending;       /* this halt's guests or tasks come once symbols are indexed */
  GList *task_waiters;          /* of GTask, completed when they have come */
  GListStore *breakpoints;      /* of HsBreakpoint */
  guint next_breakpoint_id;
  HsBreakpoint *last_breakpoint; /* the one the last stop came from */
  /* Shared, under replan_lock: breakpoints changed while the target runs, for the worker */
  HsMutex replan_lock;
  HsRunPlan *replan;
  gint replan_pending;          /* atomic */
};

/* hs-engine.c */
void      hs_engine_queue_job            (HsEngine       *self,
                                          GTask          *task,
                                          JobFunc         func);
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
gboolean  hs_engine_is_connection_error  (const GError   *error);
void      hs_engine_connection_lost      (HsEngine       *self,
                                          const GError   *error);
void      hs_engine_snapshot_free        (Snapshot       *snap);
void      hs_engine_emit_registers_written (HsEngine     *self,
                                          guint           core);
/* The task @core runs inside its guest, or NULL (the core is in Xen, or no task is known). */
HsTask   *hs_engine_find_core_task       (HsEngine       *self,
                                          guint           core);

/* hs-engine-machines.c */
void      hs_engine_machines_class_init  (GObjectClass   *klass);
void      hs_engine_machines_init        (HsEngine       *self);
void      hs_engine_machines_finalize    (HsEngine       *self);
/* Worker: remembers the snapshot's registers and reads the guests from Xen. A halt the user
 * waits for skips symbol files still being indexed (they are read when ready); the run loop,
 * which must place a breakpoint hit in its machine, waits for them. */
void      hs_engine_worker_take_snapshot (HsEngine       *self,
                                          Snapshot       *snap,
                                          gboolean        wait_for_symbols);
/* Worker: forgets this halt's contexts and translations (the registers or guests changed). */
void      hs_engine_worker_forget_translations (HsEngine *self);
/* Main thread: machines appear or change as the snapshot says. */
void      hs_engine_apply_guests         (HsEngine       *self,
                                          Snapshot       *snap);
/* Worker: the registers a walk in @machine needs, and where they came from. */
gboolean  hs_engine_worker_context       (HsEngine       *self,
                                          guint           machine,
                                          guint64         space,
                                          HsMmuContext   *ctx,
                                          char          **source,
                                          GError        **error);
gboolean  hs_engine_worker_read_phys     (guint64         pa,
                                          void           *buf,
                                          gsize           len,
                                          gpointer        engine,
                                          GError        **error);
gboolean  hs_engine_worker_read_virtual  (HsEngine       *self,
                                          guint           machine,
                                          guint64         va,
                                          void           *buf,
                                          gsize           len,
                                          GError        **error);
/* hs-engine-memory.c: kernel-space virtual memory of @machine. */
gboolean  hs_engine_worker_write_virtual (HsEngine       *self,
                                          guint           machine,
                                          guint64         va,
                                          const void     *buf,
                                          gsize           len,
                                          GError        **error);
gboolean  hs_engine_worker_get_register  (HsEngine       *self,
                                          guint           core,
                                          const char     *name,
                                          guint64        *value);

/* hs-engine-tasks.c */
/* Main thread: whether this halt's guests and tasks are still to come (symbols being indexed);
 * clearing it completes hs_engine_wait_for_tasks_async(). */
void      hs_engine_set_tasks_pending    (HsEngine       *self,
                                          gboolean        pending);
void      hs_engine_worker_read_tasks    (HsEngine       *self,
                                          Snapshot       *snap,
                                          gboolean        wait_for_symbols);
void      hs_engine_apply_tasks          (HsEngine       *self,
                                          Snapshot       *snap);
gboolean  hs_engine_worker_core_task     (HsEngine       *self,
                                          guint           machine,
                                          guint64         cpsr,
                                          guint64         sp_el0,
                                          guint64         tpidr_el1,
                                          gint           *pid,
                                          gint           *tgid,
                                          char          **comm,
                                          GError        **error);

/* hs-engine-registers.c */
void      hs_xen_vcpu_set_saved          (HsXenVcpu      *v,
                                          const char     *member,
                                          guint64         value);
void      hs_engine_update_saved_vcpu    (HsEngine       *self,
                                          guint           machine,
                                          guint           vcpu,
                                          const char     *member,
                                          guint64         value);

/* hs-engine-breakpoints.c */
void      hs_engine_breakpoints_init     (HsEngine       *self);
void      hs_engine_breakpoints_finalize (HsEngine       *self);
HsRunPlan *hs_run_plan_new               (HsEngine       *self);
void      hs_run_plan_free               (HsRunPlan      *plan);
/* Worker: the plan the main thread made since the target started, if any. */
HsRunPlan *hs_engine_take_replan         (HsEngine       *self);
/* Keeps @from's filtered and /COUNT tallies in @to. */
void      hs_run_plan_carry_counts       (HsRunPlan      *to,
                                          HsRunPlan      *from);
void      hs_run_plan_add_temporary      (HsRunPlan      *plan,
                                          guint64         address,
                                          gint            machine,
                                          gint            pid);
/* Worker: whether a breakpoint stop of @core belongs to a breakpoint's scope; FALSE counts it
 * filtered in @plan. Errors (a lost probe) stop the run. */
gboolean  hs_engine_worker_hit_matches   (HsEngine       *self,
                                          HsRunPlan      *plan,
                                          guint           core,
                                          guint64        *pc,
                                          gboolean       *matches,
                                          guint          *matched_id,
                                          GError        **error);
gboolean  hs_engine_worker_plant         (HsEngine       *self,
                                          GArray         *plants,
                                          GError        **error);
gboolean  hs_engine_worker_lift          (HsEngine       *self,
                                          GArray         *plants,
                                          GError        **error);
void      hs_engine_apply_breakpoint_hit (HsEngine       *self,
                                          Snapshot       *snap);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, hs_engine_snapshot_free)

G_END_DECLS
