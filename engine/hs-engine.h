/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine.h: the debugger, without a window.
 *
 * The engine owns the probe and does every piece of probe I/O on its own
 * worker thread; results come back on the main context that created it.
 * Views and the command language only talk to the engine.
 */
#pragma once

#include <gio/gio.h>

#include "hs-address.h"
#include "hs-breakpoint.h"
#include "hs-breakpoint-list.h"
#include "hs-cexpr.h"
#include "hs-core.h"
#include "hs-dwarf-expr.h"
#include "hs-guest-model.h"
#include "hs-machine.h"
#include "hs-source-path.h"
#include "hs-symbol-scope.h"
#include "hs-task.h"
#include "hs-unwind.h"
#include "hs-mmu.h"
#include "hs-probe.h"
#include "hs-symbol-file.h"
#include "hs-log-line.h"
#include "hs-watch.h"

G_BEGIN_DECLS

#define HS_ENGINE_ERROR (hs_engine_error_quark ())

typedef enum
{
  HS_ENGINE_ERROR_FAILED = 1,
  HS_ENGINE_ERROR_NOT_ATTACHED,
  HS_ENGINE_ERROR_RUNNING,
  HS_ENGINE_ERROR_NOT_RUNNING,
  HS_ENGINE_ERROR_BUSY,
  HS_ENGINE_ERROR_STEP_TIMEOUT,
  HS_ENGINE_ERROR_NO_SUCH_MACHINE,
  HS_ENGINE_ERROR_NO_SYMBOLS,
  HS_ENGINE_ERROR_NO_SUCH_TASK,
  HS_ENGINE_ERROR_INDEXING,       /* the symbols are still being indexed; asked again later */
} HsEngineError;

GQuark hs_engine_error_quark (void);

typedef enum
{
  HS_ENGINE_STATE_DETACHED,
  HS_ENGINE_STATE_ATTACHING,
  HS_ENGINE_STATE_RUNNING,
  HS_ENGINE_STATE_HALTED,
} HsEngineState;

const char *hs_engine_state_to_string (HsEngineState state);

#define HS_TYPE_ENGINE (hs_engine_get_type ())
G_DECLARE_FINAL_TYPE (HsEngine, hs_engine, HS, ENGINE, GObject)

HsEngine      *hs_engine_new                  (void);
HsEngineState  hs_engine_get_state            (HsEngine             *self);
GListModel    *hs_engine_get_cores            (HsEngine             *self);
HsCore        *hs_engine_get_core             (HsEngine             *self,
                                               guint                 index);
guint          hs_engine_get_n_cores          (HsEngine             *self);
guint          hs_engine_get_current_core     (HsEngine             *self);
void           hs_engine_set_current_core     (HsEngine             *self,
                                               guint                 core);
GPtrArray     *hs_engine_get_register_infos   (HsEngine             *self);
gint           hs_engine_lookup_register      (HsEngine             *self,
                                               const char           *name);
const HsStopEvent *hs_engine_get_last_stop    (HsEngine             *self);
const char    *hs_engine_get_target_name      (HsEngine             *self);

void           hs_engine_attach_async         (HsEngine             *self,
                                               HsProbe              *probe,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
/* Attaches to the probe at @location ("HOST:PORT"); finish with hs_engine_attach_finish(). */
void           hs_engine_attach_location_async (HsEngine            *self,
                                               const char           *location,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean       hs_engine_attach_finish        (HsEngine             *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void           hs_engine_detach_async         (HsEngine             *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
char          *hs_engine_detach_finish        (HsEngine             *self,
                                               GAsyncResult         *result,
                                               GError              **error);

/* Completes once the target runs. */
void           hs_engine_go_async             (HsEngine             *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean       hs_engine_go_finish            (HsEngine             *self,
                                               GAsyncResult         *result,
                                               GError              **error);
/* Go with a temporary breakpoint at the virtual @address that stops only in @machine (-1: any)
 * and the task @task_pid (-1: any); finish with hs_engine_go_finish(). Step over a call, run to
 * a line, return from a frame. */
void           hs_engine_go_until_async       (HsEngine             *self,
                                               guint64               address,
                                               gint                  machine,
                                               gint                  task_pid,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
/* Completes once the target has halted and its registers are read. */
void           hs_engine_halt_async           (HsEngine             *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean       hs_engine_halt_finish          (HsEngine             *self,
                                               GAsyncResult         *result,
                                               GError              **error);
gboolean       hs_engine_get_waiting_for_halt (HsEngine             *self);
/* Completes when this halt's guests and tasks have all been read: at once, unless a symbol
 * file they need was still being indexed at the halt (the halt does not wait for it). */
void           hs_engine_wait_for_tasks_async (HsEngine             *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean       hs_engine_get_tasks_pending    (HsEngine             *self);
gboolean       hs_engine_wait_for_tasks_finish (HsEngine            *self,
                                               GAsyncResult         *result,
                                               GError              **error);
/* One instruction on one core; the others stay halted. */
void           hs_engine_step_async           (HsEngine             *self,
                                               guint                 core,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean       hs_engine_step_finish          (HsEngine             *self,
                                               GAsyncResult         *result,
                                               GError              **error);

void           hs_engine_read_all_registers_async  (HsEngine        *self,
                                                    guint            core,
                                                    GCancellable    *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer         user_data);
gboolean       hs_engine_read_all_registers_finish (HsEngine        *self,
                                                    GAsyncResult    *result,
                                                    GError         **error);

void           hs_engine_read_physical_async  (HsEngine             *self,
                                               guint64               address,
                                               gsize                 length,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
GBytes        *hs_engine_read_physical_finish (HsEngine             *self,
                                               GAsyncResult         *result,
                                               GError              **error);

/* Machines (hs-engine-machines.c) */
GListModel    *hs_engine_get_machines         (HsEngine             *self);
HsGuestModel  *hs_engine_get_guest_model      (HsEngine             *self);
HsMachine     *hs_engine_get_machine          (HsEngine             *self,
                                               guint                 id);
guint          hs_engine_get_current_machine  (HsEngine             *self);
guint          hs_engine_get_core_machine     (HsEngine             *self,
                                               guint                 core);
gboolean       hs_engine_check_machine        (HsEngine             *self,
                                               guint                 id,
                                               GError              **error);
char          *hs_engine_describe_machines    (HsEngine             *self);

/* Tasks of every guest (hs-engine-tasks.c), read at each halt. */
GListModel    *hs_engine_get_tasks            (HsEngine             *self);
HsTask        *hs_engine_find_task            (HsEngine             *self,
                                               guint                 machine,
                                               const char           *which,
                                               GError              **error);
/* Why some guest's tasks could not be read at the last halt, or NULL. */
const char    *hs_engine_get_task_notes       (HsEngine             *self);
/* Why the guest list may be incomplete (Xen's domain_list broke, or could not be read); NULL
 * when it is whole. */
const char    *hs_engine_get_guests_note      (HsEngine             *self);
const char    *hs_engine_get_slide_note       (HsEngine             *self,
                                               guint                 machine);

/* The current context: the task views and commands show unless told otherwise. A halt makes
 * it the task the stopping core runs (NULL when that core is in Xen). */
HsTask        *hs_engine_get_current_task     (HsEngine             *self);
void           hs_engine_set_current_task     (HsEngine             *self,
                                               HsTask               *task);
/* Breakpoints (hs-engine-breakpoints.c). They are kept while the target runs or the probe is
 * away, and planted at every resume. @machine_scope -1: any machine; @task_pid -1 and
 * @task_name NULL: any task (a task scope without a machine takes the address's machine). */
GListModel    *hs_engine_get_breakpoints      (HsEngine             *self);
HsBreakpointList *hs_engine_get_breakpoint_list (HsEngine           *self);
HsBreakpoint  *hs_engine_get_breakpoint       (HsEngine             *self,
                                               guint                 id);
HsBreakpoint  *hs_engine_add_breakpoint       (HsEngine             *self,
                                               const HsAddress      *address,
                                               const char           *location,
                                               HsBreakpointType      kind,
                                               gint                  machine_scope,
                                               gint                  task_pid,
                                               const char           *task_name,
                                               GError              **error);
void           hs_engine_remove_breakpoint    (HsEngine             *self,
                                               HsBreakpoint         *breakpoint);
void           hs_engine_remove_all_breakpoints (HsEngine           *self);
/* Whether @text can be a breakpoint condition in @machine: Register(name), Data.Long(address)
 * and friends, symbols, C operators. */
gboolean       hs_engine_check_condition      (HsEngine             *self,
                                               guint                 machine,
                                               const char           *text,
                                               GError              **error);
/* Where and why the target stopped, in one line (NULL unless halted): "stopped at
 * 2:::0xffff8000081ab2c4 hrtimer_nanosleep+0x14 (kernel/time/hrtimer.c:2064), task sleep
 * (pid 91), machine 2 (linux2), core 1, breakpoint 3". */
char          *hs_engine_describe_stop        (HsEngine             *self);
/* The same without blocking the caller: the line lookup runs in a thread. */
void           hs_engine_describe_stop_async  (HsEngine             *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
char          *hs_engine_describe_stop_finish (HsEngine             *self,
                                               GAsyncResult         *result,
                                               GError              **error);
/* The breakpoint the last stop came from, or NULL. */
HsBreakpoint  *hs_engine_get_last_breakpoint  (HsEngine             *self);
/* A machine's registers for its register window: machine 0's pCPU @unit (a core, with the
 * EL2 registers), or a guest's vCPU @unit (live where a halted core runs it inside the
 * guest, else as Xen saved it; with the EL1 registers). @source says which. */
typedef struct
{
  char *name;
  guint64 value;
  gboolean valid;
  gboolean writable;            /* a live core register the probe can write */
} HsNamedRegister;

typedef struct
{
  guint machine;
  guint unit;                   /* pCPU of machine 0, vCPU of a guest */
  gint core;                    /* the halted core behind the values, or -1 */
  char *source;
  GArray *values;               /* of HsNamedRegister: pc, sp, cpsr, x0..x30, system registers */
} HsRegisterSet;

void           hs_register_set_free           (HsRegisterSet        *set);
HsRegisterSet *hs_engine_get_machine_registers (HsEngine            *self,
                                                guint                machine,
                                                guint                unit,
                                                GError             **error);
/* Writes a live core register (the probe's); the next Go runs with it. */
void           hs_engine_write_register_async  (HsEngine            *self,
                                                guint                core,
                                                const char          *name,
                                                guint64              value,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean       hs_engine_write_register_finish (HsEngine            *self,
                                                GAsyncResult        *result,
                                                GError             **error);
/* The system registers that define @machine: EL2 for 0, EL1 for a guest. */
const char * const *hs_engine_machine_system_registers (guint machine);
/* A task's registers: live if a halted core runs it, Xen's saved copy if it is current on a
 * vCPU no halted core runs, its saved switch context if it sleeps; plus its user registers. */
typedef struct
{
  guint64 x[31];
  gboolean x_valid[31];
  guint64 sp, pc, cpsr;
  gboolean sp_valid, pc_valid, cpsr_valid;
  char *source;                 /* which of the three, in words */
  gboolean has_user;            /* pt_regs at the top of its kernel stack */
  guint64 user_x[31];
  guint64 user_sp, user_pc, user_pstate;
} HsTaskRegisters;

void             hs_task_registers_free          (HsTaskRegisters      *regs);
void             hs_engine_task_registers_async  (HsEngine             *self,
                                                  HsTask               *task,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
HsTaskRegisters *hs_engine_task_registers_finish (HsEngine             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);
/* Writes one of a task's registers where the task will take it from: the core that runs it,
 * Xen's saved registers of the vCPU it is current on, or its saved switch context (only x19-x29,
 * sp and pc there) — and reads it back. Returns where, in words. */
void             hs_engine_write_task_register_async  (HsEngine            *self,
                                                       HsTask              *task,
                                                       const char          *name,
                                                       guint64              value,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
char            *hs_engine_write_task_register_finish (HsEngine            *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* A task's call stack (an array of HsFrame), from the registers above. */
void             hs_engine_task_frames_async     (HsEngine             *self,
                                                  HsTask               *task,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
/* Xen's own call stack on a core (machine 0); finish with hs_engine_task_frames_finish(). */
void             hs_engine_core_frames_async     (HsEngine             *self,
                                                  guint                 core,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GArray          *hs_engine_task_frames_finish    (HsEngine             *self,
                                                  GAsyncResult         *result,
                                                  char                **stop_reason,
                                                  GError              **error);

/* A parameter or local variable of one frame, as Frame.view /Locals shows it: where it was
 * (evaluated with the registers unwound for that frame) and its bytes when they could be read.
 * @type_die names its type in @file, for a typed value printer. */
typedef struct
{
  guint frame;                  /* the level of its frame */
  char *name;                   /* NULL: a note about the whole frame, in @why */
  gboolean is_parameter;
  char *inlined_in;             /* the inlined function it belongs to, or NULL */
  HsSymbolFile *file;           /* (owned) where @type_die is */
  guint64 type_die;
  char *type_text;              /* "struct __kernel_timespec *" */
  guint64 size;                 /* of its type; 0 when unknown */
  HsLocationKind kind;          /* where it is: memory, register, computed, ... */
  guint64 address;              /* HS_LOCATION_MEMORY */
  guint reg;                    /* HS_LOCATION_REGISTER */
  GBytes *value;                /* its bytes (target order), NULL when not known */
  char *text;                   /* @value as a C value ("(struct task_struct *) 0x... <init_task>",
                                 * "{tv_sec = 0, tv_nsec = 600000000}"), or NULL */
  char *why;                    /* when @value is NULL: "optimised out", "entry value
                                 * unknown", "x3 is not known in this frame", ... */
} HsFrameVariable;

void             hs_frame_variable_clear         (HsFrameVariable      *variable);
/* Frame.view /Locals: a task's frames as hs_engine_task_frames_async() finds them, and the
 * parameters and locals of each (an array of HsFrameVariable, in frame order). */
void             hs_engine_task_locals_async     (HsEngine             *self,
                                                  HsTask               *task,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
/* The same for Xen's frames on a core (machine 0). */
void             hs_engine_core_locals_async     (HsEngine             *self,
                                                  guint                 core,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GArray          *hs_engine_task_locals_finish    (HsEngine             *self,
                                                  GAsyncResult         *result,
                                                  GArray              **variables,
                                                  char                **stop_reason,
                                                  GError              **error);

/* Symbols, bound to a machine and space at a load offset. Lookups are thread-safe. */
void           hs_engine_load_symbols_async   (HsEngine             *self,
                                               const char           *path,
                                               guint                 machine,
                                               guint64               space,
                                               guint64               offset,
                                               const char           *name,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
HsSymbolFile  *hs_engine_load_symbols_finish  (HsEngine             *self,
                                               GAsyncResult         *result,
                                               GError              **error);
HsSymbolScope *hs_engine_get_symbol_scope     (HsEngine             *self);
gboolean       hs_engine_lookup_symbol        (HsEngine             *self,
                                               guint                 machine,
                                               guint64               space,
                                               const char           *name,
                                               guint64              *address,
                                               GError              **error);
char          *hs_engine_symbolize            (HsEngine             *self,
                                               guint                 machine,
                                               guint64               space,
                                               guint64               address);

/* Source (hs-engine-source.c): lines of addresses in a machine's symbols (@space's own file
 * first, then the kernel's), and back; @file as DWARF names it (resolve it with the map). */
HsSourcePathMap *hs_engine_get_source_path_map (HsEngine            *self);
gboolean       hs_engine_lookup_line          (HsEngine             *self,
                                               guint                 machine,
                                               guint64               space,
                                               guint64               address,
                                               char                **file,
                                               guint                *line);
gboolean       hs_engine_lookup_function_line (HsEngine             *self,
                                               guint                 machine,
                                               guint64               space,
                                               const char           *name,
                                               char                **file,
                                               guint                *line);
gboolean       hs_engine_line_to_address      (HsEngine             *self,
                                               guint                 machine,
                                               const char           *file,
                                               guint                 line,
                                               guint64              *address,
                                               guint                *actual_line,
                                               GError              **error);
/* The same in a thread, for the GUI: a vmlinux's DWARF may still be indexed (seconds). The
 * result's source object is the engine's symbol scope: finish with the engine all the same. */
void           hs_engine_lookup_line_async    (HsEngine             *self,
                                               guint                 machine,
                                               guint64               space,
                                               guint64               address,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean       hs_engine_lookup_line_finish   (HsEngine             *self,
                                               GAsyncResult         *result,
                                               char                **file,
                                               guint                *line,
                                               GError              **error);
void           hs_engine_line_to_address_async (HsEngine            *self,
                                               guint                 machine,
                                               const char           *file,
                                               guint                 line,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean       hs_engine_line_to_address_finish (HsEngine           *self,
                                               GAsyncResult         *result,
                                               guint64              *address,
                                               guint                *actual_line,
                                               GError              **error);
/* The session as commands (hs-engine-session.c): symbol files, source paths, breakpoints. */
char          *hs_engine_save_session         (HsEngine             *self);
/* Functions of @machine whose names start with @prefix, at most @max, for completion. */
GStrv          hs_engine_complete_function    (HsEngine             *self,
                                               guint                 machine,
                                               const char           *prefix,
                                               guint                 max);
/* Memory by any address form (hs-engine-memory.c). Unreadable bytes do not fail a read:
 * they are marked in @valid, and @fault says why the first of them could not be read. */
typedef struct
{
  HsAddress address;
  GBytes *data;
  GBytes *valid;                /* one byte per byte of @data: 1 = read */
  char *fault;                  /* NULL when every byte was read */
} HsMemoryRead;

void           hs_memory_read_free            (HsMemoryRead         *read);

typedef struct
{
  HsAddress address;
  HsMmuTranslation mmu;
  gboolean stage1;              /* the walk had a stage 1 ... */
  gboolean stage2;              /* ... and a stage 2 */
  char *source;                 /* where the registers of the walk came from */
  char *fault;                  /* set (and @mmu partial) when the translation faults */
} HsTranslation;

void           hs_translation_free            (HsTranslation        *translation);

void           hs_engine_read_async           (HsEngine             *self,
                                               const HsAddress      *address,
                                               gsize                 length,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
HsMemoryRead  *hs_engine_read_finish          (HsEngine             *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void           hs_engine_write_async          (HsEngine             *self,
                                               const HsAddress      *address,
                                               GBytes               *data,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean       hs_engine_write_finish         (HsEngine             *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void           hs_engine_translate_async      (HsEngine             *self,
                                               const HsAddress      *address,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
HsTranslation *hs_engine_translate_finish     (HsEngine             *self,
                                               GAsyncResult         *result,
                                               GError              **error);
/* Mappings of [start, end] in @address's machine and space; an array of HsMmuTranslation.
 * @next: where the listing stopped (end + 1, or 0 past the top, when it covered the range): at
 * @max_entries, or where hs_mmu_list()'s budget of table bytes and steps ran out. */
void           hs_engine_list_mappings_async  (HsEngine             *self,
                                               const HsAddress      *start,
                                               guint64               end,
                                               guint                 max_entries,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
GArray        *hs_engine_list_mappings_finish (HsEngine             *self,
                                               GAsyncResult         *result,
                                               char                **source,
                                               guint64              *next,
                                               GError              **error);

/* A machine's kernel log (hs-engine-logs.c), as read at one halt: a guest's printk ring (what
 * dmesg shows), or for machine 0 Xen's console ring (what Xen printed, the guests' console
 * output through it included). Immutable once handed out; refcounted, any thread may hold it. */
typedef struct _HsLog HsLog;

#define HS_TYPE_LOG (hs_log_get_type ())
GType            hs_log_get_type           (void) G_GNUC_CONST;
/* A log made other than by a read (the engine's worker, tests): takes @lines (of HsLogLine, as
 * hs_log_lines_new() makes); the lines from @first_new on are new since an earlier halt
 * (@first_new == the number of lines: none are; G_MAXUINT: no earlier halt's read is known). */
HsLog           *hs_log_new                (guint                 machine,
                                            gboolean              hypervisor,
                                            GArray               *lines,
                                            guint                 first_new,
                                            const char           *source,
                                            const char           *warning);
HsLog           *hs_log_ref                (HsLog                *log);
void             hs_log_unref              (HsLog                *log);
guint            hs_log_get_machine        (const HsLog          *log);
/* Xen's console ring: lines as Xen wrote them, no timestamps or levels of their own. */
gboolean         hs_log_is_hypervisor      (const HsLog          *log);
guint            hs_log_get_n_lines        (const HsLog          *log);
const HsLogLine *hs_log_get_line           (const HsLog          *log,
                                            guint                 index);
/* The lines from this index on were added since the log was last read at an earlier halt
 * (the engine remembers, per machine, the newest record a read at each halt saw); it is
 * hs_log_get_n_lines() when none were, or when this is the first read. */
guint            hs_log_get_first_new      (const HsLog          *log);
/* Whether an earlier halt's read was known to tell new lines by. */
gboolean         hs_log_has_earlier        (const HsLog          *log);
/* Where it was read from, in words: "printk ring at 0xffff0000... (prb)". */
const char      *hs_log_get_source         (const HsLog          *log);
/* What was left out and why (records being written, text overwritten, a ring that wrapped),
 * or NULL. */
const char      *hs_log_get_warning        (const HsLog          *log);
/* One line as a kernel engineer reads it: a guest's like `dmesg -r` (and the console, with the
 * level): "<6>[    1.234567] text", <facility * 8 + level>, each line of a multi-line record
 * with its record's prefix; Xen's as Xen wrote it, "(XEN) ...". */
char            *hs_log_format_line        (const HsLog          *log,
                                            guint                 index);

/* Reads @machine's kernel log on the worker (the target must be halted): machine 0's through
 * Xen's symbols, a guest's through its vmlinux (bound with Data.LOAD.Elf) and its memory as
 * its own stage 1 and stage 2 map it, running on a core or not. */
void             hs_engine_read_log_async  (HsEngine             *self,
                                            guint                 machine,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
HsLog           *hs_engine_read_log_finish (HsEngine             *self,
                                            GAsyncResult         *result,
                                            GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsLog, hs_log_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsRegisterSet, hs_register_set_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsTaskRegisters, hs_task_registers_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsMemoryRead, hs_memory_read_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsTranslation, hs_translation_free)

/* ---- kernel modules (hs-engine-modules.c) ----------------------------------------------- */

/* Each guest's modules are its HsMachine's (hs_machine_get_modules), read with its tasks. */
const char    *hs_engine_get_module_notes          (HsEngine            *self);
HsModule      *hs_engine_find_module               (HsEngine            *self,
                                                    guint                machine,
                                                    const char          *name);
void           hs_engine_add_module_path           (HsEngine            *self,
                                                    gint                 machine,
                                                    const char          *dir);
char         **hs_engine_get_module_paths          (HsEngine            *self);
char         **hs_engine_get_module_paths_for_session (HsEngine         *self);
void           hs_engine_set_module_autoload       (HsEngine            *self,
                                                    gboolean             autoload_on);
gboolean       hs_engine_get_module_autoload       (HsEngine            *self);
void           hs_engine_check_modules             (HsEngine            *self);
void           hs_engine_load_module_symbols_async (HsEngine            *self,
                                                    guint                machine,
                                                    const char          *name,
                                                    const char          *path,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
HsSymbolFile  *hs_engine_load_module_symbols_finish (HsEngine           *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);
gboolean       hs_engine_unload_module_symbols     (HsEngine            *self,
                                                    guint                machine,
                                                    const char          *name);
gboolean       hs_engine_relocate_kernel           (HsEngine            *self,
                                                    guint                machine,
                                                    guint64              offset,
                                                    gboolean             automatic,
                                                    GError             **error);

/* Expressions (hs-engine-vars.c): C expressions in @machine's @space (0: the kernel's), with
 * that space's own symbols when it has some bound, else the kernel's; main thread, never
 * blocking it. The target must be halted. */
void           hs_engine_evaluate_async       (HsEngine             *self,
                                               guint                 machine,
                                               guint64               space,
                                               const char           *expression,
                                               guint                 max_depth,
                                               guint                 max_elements,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
char          *hs_engine_evaluate_finish      (HsEngine             *self,
                                               GAsyncResult         *result,
                                               GError              **error);
/* What "@expression = @value" would write, and where; nothing is written. */
void           hs_engine_plan_assignment_async (HsEngine            *self,
                                               guint                 machine,
                                               guint64               space,
                                               const char           *expression,
                                               const char           *value,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean       hs_engine_plan_assignment_finish (HsEngine           *self,
                                               GAsyncResult         *result,
                                               HsAddress            *address,
                                               GBytes              **bytes,
                                               GError              **error);
/* @expression's value, address, size, string or existence (HsCexprQuery): PRACTICE's Var.*(). */
void           hs_engine_query_async          (HsEngine             *self,
                                               guint                 machine,
                                               guint64               space,
                                               HsCexprQuery          query,
                                               const char           *expression,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
/* @number and @text as hs_cexpr_query() gives them (@text: free it). */
gboolean       hs_engine_query_finish         (HsEngine             *self,
                                               GAsyncResult         *result,
                                               guint64              *number,
                                               char                **text,
                                               GError              **error);
/* Watches: evaluated again once after each halt, in the current context unless pinned to a
 * machine; see hs-watch.h. */
GListModel    *hs_engine_get_watches          (HsEngine             *self);
HsWatch       *hs_engine_add_watch            (HsEngine             *self,
                                               const char           *expression,
                                               guint                 machine);
gboolean       hs_engine_remove_watch         (HsEngine             *self,
                                               const char           *expression);
void           hs_engine_remove_all_watches   (HsEngine             *self);
void           hs_engine_wait_for_watches_async (HsEngine           *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean       hs_engine_wait_for_watches_finish (HsEngine          *self,
                                               GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS

#include "hs-engine-enums.h"
