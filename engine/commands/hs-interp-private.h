/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-interp-private.h: the interpreter is one class over several files:
 * hs-interp.c (parsing, run control, PRINT/WAIT) and hs-interp-memory.c
 * (addresses, memory, symbols, MMU).
 */
#pragma once

#include "hs-interp.h"
#include "hs-builtins.h"
#include "hs-expr.h"

G_BEGIN_DECLS

struct _HsInterp
{
  GObject parent_instance;

  HsEngine *engine;
  guint do_depth;               /* DO scripts running inside each other */
};

typedef struct _Call Call;
typedef void (*CommandFunc) (Call *call);

typedef struct
{
  const char *name;
  gboolean takes_value;
} OptionSpec;

typedef struct
{
  const char *name;             /* capitals = shortest form */
  const char *usage;
  const char *summary;
  guint min_args;
  guint max_args;
  const OptionSpec *options;    /* NULL-terminated, may be NULL */
  CommandFunc func;
  gboolean path_first;          /* the first argument is a file: "/tmp" is not an option */
} CommandSpec;

struct _Call
{
  HsInterp *interp;             /* owned */
  const CommandSpec *spec;
  GPtrArray *args;              /* of char*, raw */
  GHashTable *options;          /* canonical option name -> value ("" for flags) */
  GString *out;
  GTask *task;                  /* owned */
  /* Step */
  guint remaining;
  guint core;
  gint task_pid;                /* Step.Over: the task whose return counts, or -1 */
  /* Step.Hll */
  gboolean hll_over;
  char *hll_file;               /* the line the step began on */
  guint hll_line;
  guint64 hll_space;
  gulong hll_handler;           /* "halted" and "detached" while a call runs to its return */
  gulong hll_detach_handler;
  /* DO */
  GPtrArray *do_lines;           /* DO: of HsScriptLine */
  guint do_next;
  guint do_failed;
  /* WAIT */
  char *condition;
  gint64 deadline;              /* monotonic, or -1 for none */
  guint wait_id;
};

/* Where names in an expression resolve: a machine's symbols, in one address space. */
typedef struct
{
  HsInterp *interp;
  guint machine;
  guint64 space;
  HsBuiltinBinding binding;     /* what hs_interp_expr_context() points at */
} HsExprScope;

HsEngine     *hs_call_engine           (Call          *call);
void          hs_call_return           (Call          *call,
                                        GError        *error);
void          hs_call_fail             (Call          *call,
                                        const char    *fmt,
                                        ...) G_GNUC_PRINTF (2, 3);
const char   *hs_call_option           (Call          *call,
                                        const char    *name);
gboolean      hs_call_eval_number      (Call          *call,
                                        const char    *text,
                                        const char    *what,
                                        guint64       *out);
gboolean      hs_call_require_state    (Call          *call,
                                        HsEngineState  state);
HsExprScope   hs_interp_default_scope  (HsInterp      *self);
void          hs_interp_request_view   (HsInterp      *self,
                                        const char    *view,
                                        guint          machine);
HsExprContext hs_interp_expr_context   (HsExprScope   *scope);

/* hs-interp-memory.c */
void hs_cmd_data_dump          (Call *call);
void hs_cmd_data_list          (Call *call);
void hs_cmd_data_set           (Call *call);
void hs_cmd_data_load_elf      (Call *call);
void hs_cmd_symbol_list        (Call *call);
void hs_cmd_symbol_info        (Call *call);
void hs_cmd_mmu_translate      (Call *call);
void hs_cmd_mmu_list_pagetable (Call *call);
void hs_cmd_machine_list       (Call *call);
void hs_cmd_task_list          (Call *call);
void hs_cmd_task_register_view (Call *call);
void hs_cmd_frame_view         (Call *call);
gboolean hs_call_get_machine_option (Call     *call,
                                     guint    *machine,
                                     gboolean *given);
HsTask  *hs_call_resolve_task       (Call     *call);

/* hs-interp-break.c */
void hs_cmd_break_set          (Call *call);
void hs_cmd_break_list         (Call *call);
void hs_cmd_break_delete       (Call *call);
void hs_cmd_break_enable       (Call *call);
void hs_cmd_break_disable      (Call *call);
void hs_cmd_source_path_translate (Call *call);

/* hs-interp-step.c */
void hs_cmd_step_hll           (Call     *call,
                                gboolean  over);
gboolean hs_call_finish_code_read (Call         *call,
                                   GAsyncResult *result,
                                   guint64      *pc,
                                   guint32      *word);

/* hs-interp-session.c */
void hs_cmd_do                 (Call *call);
void hs_cmd_session_save       (Call *call);
void hs_cmd_source_path_list   (Call *call);
void hs_cmd_source_path_reset  (Call *call);

G_END_DECLS
