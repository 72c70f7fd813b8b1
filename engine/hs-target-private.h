/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-target-private.h: the target, the part of the engine that owns the probe.
 *
 * One worker thread (an HsJobQueue) runs every job in queue order; it alone
 * touches the probe and the fields grouped "Worker only" below, so a job
 * always sees the state every earlier job left. The main thread never reads
 * them: what it needs comes back as a job's result (a Snapshot, a memory
 * read, a task's registers), whose ownership moves to it with the delivery.
 * The probe is set by the attach job and closed by the worker, the thread
 * that reads its socket; the main thread only interrupts it (thread-safe).
 */
#pragma once

#include "hs-engine.h"
#include "hs-job-queue.h"
#include "hs-sync.h"
#include "hs-symbol-scope.h"
#include "hs-task.h"
#include "hs-linux.h"
#include "hs-linux-modules.h"
#include "hs-mmu.h"
#include "hs-xen.h"
#include "hs-linux-printk.h"

G_BEGIN_DECLS

typedef struct _HsTarget HsTarget;

/* Machine ids stay below this: the per-halt TLB keys a page by its machine in 12 bits. */
#define HS_ENGINE_MAX_MACHINE 0x1000

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
  GPtrArray *register_infos;    /* attach only: the main thread's copy of the registers */
  char *target_name;            /* attach only */
  GArray *guests;               /* of HsXenDomain, with machine ids; NULL: not read */
  char *guests_note;            /* why the guests are not all there (a broken domain_list) */
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
  gboolean tasks_partial;       /* @tasks: only what the views show first (the tasks the vCPUs
                                 * run); hs_target_read_tasks_job reads the whole lists */
  gint tasks_machine;           /* ... of this machine only (a step), or -1: every guest's */
  GHashTable *modules;          /* machine -> GArray of HsLinuxModule, for each guest whose
                                 * module list was read; NULL: none read */
  GString *module_notes;        /* what could not be read of them, per guest */
  GHashTable *slide_notes;      /* machine -> why its KASLR slide could not be found; NULL:
                                 * the guests were not read */
  gboolean slides_changed;      /* a kernel's symbols moved to its slide */
} Snapshot;

void      hs_engine_snapshot_free        (Snapshot       *snap);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, hs_engine_snapshot_free)

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

/* What one resume plants and checks: made on the main thread, then the worker's alone. */
typedef struct
{
  GArray *plants;               /* of HsPlant */
  GArray *scopes;               /* of HsHitScope */
  GHashTable *filtered;         /* breakpoint id -> hits stepped past, counted by the worker */
  GHashTable *passed;           /* breakpoint id -> passes toward its /COUNT */
} HsRunPlan;

void      hs_run_plan_free               (HsRunPlan      *plan);
/* Keeps @from's filtered and /COUNT tallies in @to. */
void      hs_run_plan_carry_counts       (HsRunPlan      *to,
                                          HsRunPlan      *from);
void      hs_run_plan_add_temporary      (HsRunPlan      *plan,
                                          guint64         address,
                                          gint            machine,
                                          gint            pid);

/* Breakpoints changed while the target runs: the main thread leaves a new plan here and
 * interrupts the target; the worker takes it at that stop. */
typedef struct
{
  HsMutex lock;
  HsRunPlan *plan;              /* under lock */
  gint pending;                 /* atomic */
} HsReplanBox;

HsRunPlan *hs_replan_box_take            (HsReplanBox    *box);

struct _HsTarget
{
  /* Immutable after construction */
  HsJobQueue *queue;
  HsSymbolScope *symbols;       /* thread-safe */
  HsReplanBox *replan;          /* the engine's; it locks itself */

  /* Any thread, atomic */
  gint halt_requested;          /* Break arrived before the resume reached the wire */

  /* Worker only */
  HsProbe *probe;
  GError *lost;                 /* how the probe's connection was lost in a walk, or NULL */
  GPtrArray *register_infos;    /* the probe's registers, as of the attach */
  GArray *prefetch;             /* register indexes read at every halt */
  guint n_cores;
  guint64 *values;              /* the last snapshot's registers, n_cores x n_registers */
  gboolean *valid;
  GArray *guests;               /* of HsXenDomain from the last discovery */
  char *guests_note;            /* why that discovery may have missed guests, or NULL */
  guint64 *current_vcpus;       /* per core: the vCPU Xen runs there, 0 if unknown */
  GHashTable *layouts;          /* HsSymbolFile -> HsLinuxLayout, looked up once per vmlinux */
  GHashTable *printk_layouts;   /* HsSymbolFile -> HsLinuxPrintkLayout, likewise */
  GArray *spaces;               /* of guint64 quads: machine, tgid, mm->pgd, ASID of processes */
  GHashTable *contexts;         /* machine -> HsMmuContext for its kernel space, this halt */
  GHashTable *tlb;              /* (4K VA page | machine) -> 4K PA page, this halt */
  GHashTable *last_walk;        /* machine -> LastWalk: what its previous task walk found */
  GHashTable *module_layouts;   /* HsSymbolFile -> HsLinuxModuleLayout, once per vmlinux */
  GHashTable *last_modules;     /* machine -> GArray of HsLinuxModule its last walk found */
  GHashTable *slides_found;     /* machine -> its kernel's HsSymbolBinding (a reference) whose
                                 * offset was checked: not looked at again while it stands */
  guint halt_serial;            /* counts the resumes and writes after which what a walk
                                 * found may no longer hold */
  gboolean values_stale;        /* the cores ran since @values were read */
  GHashTable *domid_to_machine; /* stable machine ids for the session */
  GHashTable *vmid_to_machine;  /* ... of guests seen by VMID before Xen's symbols came */
  guint next_machine;
};

/* /CONDition at a hit (on the worker) or as a syntax check at Break.Set (anywhere, @dry:
 * registers and memory read 0). */
typedef struct
{
  HsTarget *target;             /* NULL when dry */
  HsSymbolScope *symbols;
  GPtrArray *register_infos;    /* dry: the names a condition may use, or NULL */
  guint core;
  gint machine;
  gboolean dry;
} Condition;

typedef struct
{
  HsAddress address;
  gsize length;
  GBytes *data;                 /* writes */
  guint64 end;                  /* listings */
  guint max_entries;
} MemRequest;

typedef struct
{
  GArray *mappings;
  char *source;
  guint64 next;                 /* the first input address not examined; end + 1 when covered */
} ListResult;

typedef struct
{
  guint core;
  guint index;
  guint64 value;
} RegisterWrite;

typedef struct
{
  HsTarget *target;
  guint machine;
  gboolean lost;                /* the probe went away during the walk */
} GuestReader;

typedef struct
{
  HsTaskRecord record;
} TaskRequest;

/* A guest's task_structs and mm_structs as its last walk found them: the next walk reads them
 * ahead, in one batch. */
typedef struct
{
  GArray *tasks;                /* guint64 */
  GArray *mms;                  /* guint64 */
  GArray *records;              /* of HsTaskRecord, as the walk found them */
  char *note;                   /* its warning line for the task notes, or NULL */
  guint halt_serial;            /* the halt it was read at: only then do @records still hold */
} LastWalk;

typedef struct
{
  GArray *frames;
  char *stop;
  GArray *variables;            /* of HsFrameVariable, for /Locals; else NULL */
} FramesResult;

typedef struct
{
  HsTaskRecord record;
  char *name;
  guint64 value;
} WriteRequest;

typedef struct
{
  char *where;                  /* "core 1", "Xen's saved registers of vCPU 0", ... */
  guint64 read_back;
  gint context_index;           /* the thread.cpu_context slot written, or -1 */
  gint vcpu;                    /* the vCPU whose Xen-saved copy was written, or -1 */
  char *vcpu_field;             /* ... and which of HsXenVcpu's fields */
} WriteResult;

typedef struct
{
  GTask *go_task;               /* completes when the target runs */
  GError *error;
} ResumedData;

typedef struct
{
  GTask *go_task;
  HsRunPlan *plan;
} RunData;

/* What a detach did, for the user: the target's fate in one sentence. */
typedef struct
{
  gboolean left_running;
  char *report;
} DetachResult;

typedef struct
{
  guint64 address;
  gsize length;
} ReadRequest;

typedef struct
{
  guint core;
  guint64 *values;
  gboolean *valid;
} AllRegisters;


void      hs_run_data_free               (gpointer        data);
void      hs_mem_request_free            (MemRequest     *req);
void      hs_list_result_free            (ListResult     *r);
void      hs_task_request_free           (TaskRequest    *req);
void      hs_frames_result_free          (FramesResult   *r);
void      hs_write_request_free          (WriteRequest   *req);
void      hs_write_result_free           (WriteResult    *r);
void      hs_detach_result_free          (DetachResult   *r);
void      hs_all_registers_free          (AllRegisters   *r);
gboolean  hs_engine_is_connection_error  (const GError   *error);

/* hs-target.c: lifecycle (main thread) */
HsTarget * hs_target_new                  (GMainContext   *main_context,
                                          HsSymbolScope  *symbols,
                                          HsReplanBox    *replan);
/* Lets the queued jobs run, closes the probe on the worker and joins it. */
void      hs_target_free                 (HsTarget       *self);
void      hs_target_push                 (HsTarget       *self,
                                          HsJobFunc       func,
                                          gpointer        data,
                                          GDestroyNotify  data_free,
                                          GTask          *task);
void      hs_target_push_background      (HsTarget       *self,
                                          HsJobFunc       func,
                                          gpointer        data,
                                          GDestroyNotify  data_free,
                                          GTask          *task);

/* hs-target.c: jobs (data: see each) */
void      hs_target_attach_job           (gpointer        owner,  /* HsProbe */
                                          HsJob          *job);
void      hs_target_detach_job           (gpointer        owner,
                                          HsJob          *job);
void      hs_target_close_job            (gpointer        owner,
                                          HsJob          *job);
void      hs_target_run_job              (gpointer        owner,  /* RunData */
                                          HsJob          *job);
void      hs_target_step_job             (gpointer        owner,  /* core */
                                          HsJob          *job);
void      hs_target_read_physical_job    (gpointer        owner,  /* ReadRequest */
                                          HsJob          *job);
void      hs_target_all_registers_job    (gpointer        owner,  /* core */
                                          HsJob          *job);
void      hs_target_write_register_job   (gpointer        owner,  /* RegisterWrite */
                                          HsJob          *job);
gint      hs_target_lookup_register      (HsTarget       *self,
                                          const char     *name);
gboolean  hs_target_get_register         (HsTarget       *self,
                                          guint           core,
                                          const char     *name,
                                          guint64        *value);

/* hs-target-guests.c */
gboolean  hs_target_read_phys            (guint64         pa,
                                          void           *buf,
                                          gsize           len,
                                          gpointer        target,
                                          GError        **error);
/* The registers a walk in @machine needs, and where they came from. */
gboolean  hs_target_context              (HsTarget       *self,
                                          guint           machine,
                                          guint64         space,
                                          HsMmuContext   *ctx,
                                          char          **source,
                                          GError        **error);
/* Kernel-space virtual memory of @machine. */
gboolean  hs_target_read_virtual         (HsTarget       *self,
                                          guint           machine,
                                          guint64         va,
                                          void           *buf,
                                          gsize           len,
                                          GError        **error);
/* Forgets this halt's contexts and translations (the registers or guests changed). */
void      hs_target_forget_translations  (HsTarget       *self);
/* Remembers the snapshot's registers and reads the guests from Xen. A halt the user waits for
 * skips symbol files still being indexed (they are read when ready); the run loop, which must
 * place a breakpoint hit in its machine, waits for them. */
/* @views_first: of the tasks, only those the vCPUs run (tasks_partial); the engine then queues
 * hs_target_read_tasks_job for the rest. */
void      hs_target_take_snapshot        (HsTarget       *self,
                                          Snapshot       *snap,
                                          gboolean        wait_for_symbols,
                                          gboolean        views_first);
void      hs_target_read_tasks           (HsTarget       *self,
                                          Snapshot       *snap,
                                          gboolean        wait_for_symbols,
                                          gint            only_machine,
                                          GCancellable   *cancellable);
void      hs_target_read_current_tasks   (HsTarget       *self,
                                          Snapshot       *snap,
                                          gint            only_machine);
void      hs_target_read_tasks_job       (gpointer        owner,
                                          HsJob          *job);
/* The kernel's own binding among a machine's bindings (space 0, not a module), or NULL. */
const HsSymbolBinding *hs_target_kernel_binding (GPtrArray *bindings);
/* The core running @dom's vCPU (*running), else the one that last ran it, or -1. */
gint      hs_target_core_holding_guest   (HsTarget          *self,
                                          const HsXenDomain *dom,
                                          gboolean          *running);

/* hs-target-kaslr.c */
void      hs_target_find_slides          (HsTarget       *self,
                                          Snapshot       *snap);

/* hs-target-modules.c */
void      hs_target_read_modules         (HsTarget       *self,
                                          Snapshot       *snap,
                                          guint           machine,
                                          HsSymbolFile   *vmlinux,
                                          guint64         offset,
                                          GuestReader    *reader,
                                          gboolean        reuse,
                                          GCancellable   *cancellable);
GArray   *hs_target_modules_array        (void);

gboolean  hs_target_core_task            (HsTarget       *self,
                                          guint           machine,
                                          guint64         cpsr,
                                          guint64         sp_el0,
                                          guint64         tpidr_el1,
                                          gint           *pid,
                                          gint           *tgid,
                                          char          **comm,
                                          GError        **error);
void      hs_target_rediscover_job       (gpointer        owner,
                                          HsJob          *job);
void      hs_target_note_lost            (HsTarget       *self,
                                          const GError   *error);
gboolean  hs_target_read_guest           (guint64         va,
                                          void           *buf,
                                          gsize           len,
                                          gpointer        user_data,
                                          GError        **error);
gboolean  hs_target_read_guest_v         (HsLinuxRead    *reads,
                                          guint           n_reads,
                                          gpointer        user_data,
                                          GError        **error);
const HsLinuxLayout *
          hs_target_layout_for           (HsTarget       *self,
                                          HsSymbolFile   *vmlinux,
                                          gboolean        wait,
                                          GError        **error);

/* hs-target-memory.c (data: MemRequest) */
gboolean  hs_target_write_virtual        (HsTarget       *self,
                                          guint           machine,
                                          guint64         va,
                                          const void     *buf,
                                          gsize           len,
                                          GError        **error);
void      hs_target_read_job             (gpointer        owner,
                                          HsJob          *job);
void      hs_target_write_job            (gpointer        owner,
                                          HsJob          *job);
void      hs_target_translate_job        (gpointer        owner,
                                          HsJob          *job);
void      hs_target_list_job             (gpointer        owner,
                                          HsJob          *job);

/* hs-target-tasks.c (data: TaskRequest, WriteRequest) */
void      hs_target_task_registers_job   (gpointer        owner,
                                          HsJob          *job);
void      hs_target_task_frames_job      (gpointer        owner,
                                          HsJob          *job);
void      hs_target_task_locals_job      (gpointer        owner,
                                          HsJob          *job);
/* hs-target-locals.c: each frame's parameters and locals into @result->variables. */
void      hs_target_frame_locals         (HsTarget       *self,
                                          guint           machine,
                                          FramesResult   *result);
void      hs_target_write_task_register_job (gpointer     owner,
                                             HsJob       *job);

/* hs-target-breakpoints.c */
gboolean  hs_condition_evaluate          (Condition      *c,
                                          const char     *text,
                                          gboolean       *holds,
                                          GError        **error);
/* Whether a breakpoint stop of @core belongs to a breakpoint's scope; FALSE counts it filtered
 * in @plan. Errors (a lost probe) stop the run. */
gboolean  hs_target_hit_matches          (HsTarget       *self,
                                          HsRunPlan      *plan,
                                          guint           core,
                                          guint64        *pc,
                                          gboolean       *matches,
                                          guint          *matched_id,
                                          GError        **error);
gboolean  hs_target_plant                (HsTarget       *self,
                                          GArray         *plants,
                                          GError        **error);
gboolean  hs_target_lift                 (HsTarget       *self,
                                          GArray         *plants,
                                          GError        **error);

/* hs-target-logs.c (data: the machine, GUINT_TO_POINTER; result: an HsLog without its new
 * lines marked, which hs-engine-logs.c does on the main thread) */
void      hs_target_read_log_job         (gpointer        owner,
                                          HsJob          *job);

G_END_DECLS
