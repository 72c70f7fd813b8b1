/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-private.h: the interpreter is one class over several files.
 * hs-interp.c parses a line, binds its arguments and options and runs the
 * command; each hs-interp-GROUP.c holds one group of commands, its table
 * entries and the state its commands keep while they wait for the engine.
 *
 * Everything here runs on the main thread (the engine's owner). A command
 * is a Call: it ends exactly once, with hs_call_return() or hs_call_fail().
 */
#pragma once

#include "hs-interp.h"
#include "hs-builtins.h"
#include "hs-expr.h"
#include "hs-practice.h"

G_BEGIN_DECLS

typedef struct _HsScriptRun HsScriptRun;

struct _HsInterp
{
  GObject parent_instance;

  HsEngine *engine;

  /* PRACTICE (hs-interp-script.c) */
  GHashTable *globals;          /* GLOBAL macros: name -> Macro */
  GHashTable *command_line_macros; /* what lines typed declare or assign */
  guint runs;                   /* lines and scripts running now */
  gboolean streaming;           /* scripts' output goes out through ::printed */
  gboolean quit_requested;      /* QUIT ran: every run ends */
  HsScriptRun *stopped;         /* the script STOP paused, until CONTinue or END (owned) */
};

typedef struct _Call Call;
typedef void (*CommandFunc) (Call *call);

typedef struct
{
  const char *name;
  gboolean takes_value;
  gboolean text;                /* its value is a name: quotes around it ("/TASK &t" with a
                                 * string macro) are not part of it */
} OptionSpec;

typedef struct
{
  const char *name;             /* capitals = shortest form; NULL ends a table */
  const char *usage;
  const char *summary;
  guint min_args;
  guint max_args;
  const OptionSpec *options;    /* NULL-terminated, may be NULL */
  CommandFunc func;
  gboolean path_first;          /* the first argument is a file: "/tmp" is not an option */
  gboolean needs_tasks;         /* shows or acts in tasks: waits for a guest's tasks to be read */
  gboolean own_evaluation;      /* evaluates its arguments itself, reading memory as it goes
                                 * (PRINT) or over time (WAIT): nothing is read for it first */
} CommandSpec;

struct _Call
{
  HsInterp *interp;             /* owned */
  const CommandSpec *spec;
  GPtrArray *args;              /* of char*, raw */
  GHashTable *options;          /* canonical option name -> value ("" for flags) */
  GString *out;
  GTask *task;                  /* owned until the call returns */
  gpointer state;               /* the command's own, from hs_call_new_state() */
  GDestroyNotify state_clear;
  struct _HsEvalMemory *memory; /* what its arguments read before it ran, or NULL */
};

/* The memory one asynchronous evaluation has read (hs-interp.c). */
typedef struct _HsEvalMemory HsEvalMemory;

/* Where names in an expression resolve: a machine's symbols, in one address space. */
typedef struct
{
  HsInterp *interp;
  guint machine;
  guint64 space;
  HsBuiltinBinding binding;     /* what hs_interp_expr_context() points at */
  HsEvalMemory *memory;         /* NULL: Data.*() cannot read memory (an evaluation that
                                 * cannot wait: hs_interp_evaluate_async() can) */
} HsExprScope;

/* The command groups' tables, each ended by an entry without a name. */
extern const CommandSpec hs_run_commands[];
extern const CommandSpec hs_break_commands[];
extern const CommandSpec hs_step_commands[];
extern const CommandSpec hs_register_commands[];
extern const CommandSpec hs_data_commands[];
extern const CommandSpec hs_symbol_commands[];
extern const CommandSpec hs_mmu_commands[];
extern const CommandSpec hs_task_commands[];
extern const CommandSpec hs_module_commands[];
extern const CommandSpec hs_frame_commands[];
extern const CommandSpec hs_session_commands[];
extern const CommandSpec hs_log_commands[];
extern const CommandSpec hs_var_commands[];
extern const CommandSpec hs_script_commands[];

/* State that lives as long as the call: zeroed, @clear frees what it holds (not itself). */
gpointer      hs_call_alloc_state      (Call          *call,
                                        gsize          size,
                                        GDestroyNotify clear);
#define hs_call_new_state(call, Type, clear) \
  ((Type *) hs_call_alloc_state ((call), sizeof (Type), (GDestroyNotify) (clear)))

HsEngine     *hs_call_engine           (Call          *call);
void          hs_call_return           (Call          *call,
                                        GError        *error);
void          hs_call_return_with_stop (Call          *call);
void          hs_call_fail             (Call          *call,
                                        const char    *fmt,
                                        ...) G_GNUC_PRINTF (2, 3);
const char   *hs_call_option           (Call          *call,
                                        const char    *name);
const char   *hs_call_arg              (Call          *call,
                                        guint          index);
gboolean      hs_call_eval_number      (Call          *call,
                                        const char    *text,
                                        const char    *what,
                                        guint64       *out);
gboolean      hs_call_resolve_address  (Call          *call,
                                        const char    *text,
                                        HsAddress     *address);
gboolean      hs_call_require_state    (Call          *call,
                                        HsEngineState  state);
gboolean      hs_call_get_core_option  (Call          *call,
                                        guint         *core);
void          hs_call_append_core_line (Call          *call,
                                        HsCore        *core);
HsExprScope   hs_interp_default_scope  (HsInterp      *self);
/* The default scope with what the call's arguments read before it ran. */
HsExprScope   hs_call_scope            (Call          *call);
HsEvalMemory *hs_eval_memory_new       (void);
void          hs_eval_memory_freeze    (HsEvalMemory  *memory);
void          hs_eval_memory_free      (HsEvalMemory  *memory);
gboolean      hs_interp_resolve_address_in (HsInterp  *self,
                                        HsEvalMemory  *memory,
                                        const char    *text,
                                        HsAddress     *address,
                                        GError       **error);
void          hs_interp_prefetch_async (HsInterp            *self,
                                        GPtrArray           *texts,
                                        HsEvalMemory        *memory,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean      hs_interp_prefetch_finish (HsInterp           *self,
                                         GAsyncResult       *result,
                                         GError            **error);
void          hs_interp_request_view   (HsInterp      *self,
                                        const char    *view,
                                        guint          machine);
HsExprContext hs_interp_expr_context   (HsExprScope   *scope);
char         *hs_call_path             (Call          *call,
                                        guint          index);

/* hs-interp.c: one command (no macros, no control flow) */
void          hs_interp_execute_command_async (HsInterp          *self,
                                               const char        *line,
                                               GCancellable      *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer           user_data);
void          hs_interp_emit_printed   (HsInterp          *self,
                                        const char        *text);
void          hs_interp_emit_script_progress (HsInterp    *self,
                                        const char        *file,
                                        guint              line,
                                        guint              n_lines);
void          hs_interp_emit_quit_requested (HsInterp     *self,
                                        gint               status);
void          hs_interp_notify_stopped (HsInterp          *self);

/* hs-interp-script.c */
GHashTable   *hs_interp_new_macro_table (void);
char         *hs_interp_expand_line    (HsInterp          *self,
                                        const char        *line,
                                        GError           **error);
/* Runs @program with @args for its ENTRY (may be NULL); takes @task, which gets the output. */
void          hs_interp_run_program    (HsInterp          *self,
                                        HsPracticeProgram *program,
                                        GPtrArray         *args,
                                        GTask             *task);
/* Frees the stopped script, if any, saying nothing (the interpreter is going). */
void          hs_interp_clear_stopped  (HsInterp          *self);

/* hs-interp-run.c */
void          hs_call_go_until         (Call          *call,
                                        guint          machine,
                                        guint64        address,
                                        const char    *what);

/* hs-interp-task.c */
gboolean      hs_call_get_machine_option (Call        *call,
                                          guint       *machine,
                                          gboolean    *given);
HsTask       *hs_call_resolve_task       (Call        *call);
void          hs_call_append_task_line   (Call        *call,
                                          HsTask      *task);

/* hs-interp-register.c */
void          hs_call_task_register_view (Call        *call);

G_END_DECLS
