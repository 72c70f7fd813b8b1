/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-builtins.h: the functions of the command language's expressions, in one
 * table: STATE.RUN(), CORE(), Register(pc), Data.Long(address), TASK.ID(),
 * STRing.MID(s, start, length), ...
 *
 * Every place that evaluates an expression (the command line, a script, a
 * breakpoint's /CONDition at a hit on the engine's worker) evaluates it with
 * these same builtins over an environment of its own: what the target's state
 * is, which core is current, how a register, memory or a symbol is read
 * there. A builtin whose environment cannot answer says so by name.
 *
 * Arguments: a function takes a fixed number of arguments or a range
 * ("TASK.FIRST([machine])"), each a number or a string, some either
 * ("Data.Long(address)": a number, or a string holding any address form). A
 * bare word argument ("Register(pc)", "sYmbol.EXIST(jiffies)") reaches the
 * function as a string. The results of STRing.*() and FORMAT.*() are at most
 * HS_BUILTIN_MAX_STRING bytes, and no argument makes them allocate more.
 *
 * Var.VALUE(init_task.pid) and the other Var.*() functions take a C
 * expression over the machine's debug information, as Var.view does
 * ("2:::init_task.comm", "jiffies - 100"): their argument is that text as
 * written, never evaluated as one of ours.
 *
 * Task handles (TASK.FIRST(), TASK.NEXT(), TASK.NAME(), ...): a handle is
 * (machine << 32) | (position + 1), where position is the task's place in
 * the environment's task list (all guests' tasks, one list). It is never 0,
 * so 0 means "no task"; it is unique across machines and stays valid until
 * the task list changes (the next halt). A handle whose machine does not
 * match the task at its position is refused as stale.
 */
#pragma once

#include "hs-expr.h"
#include "hs-address.h"

G_BEGIN_DECLS

#define HS_BUILTIN_MAX_STRING   (64u * 1024u)
/* Data.String(): the longest string it reads, and the pieces it reads it in (aligned, so a
 * piece never crosses a page). */
#define HS_BUILTIN_STRING_MAX   4096u
#define HS_BUILTIN_STRING_CHUNK 64u

typedef enum
{
  HS_BUILTIN_STATE_DETACHED,
  HS_BUILTIN_STATE_RUNNING,
  HS_BUILTIN_STATE_HALTED,
} HsBuiltinState;

/* What a Var.*() function asks of its C expression. */
typedef enum
{
  HS_BUILTIN_VAR_VALUE,         /* a number: a scalar, or where an array or function is */
  HS_BUILTIN_VAR_ADDRESS,
  HS_BUILTIN_VAR_SIZEOF,
  HS_BUILTIN_VAR_STRING,        /* a string: a C string's characters, or the printed value */
  HS_BUILTIN_VAR_EXIST,         /* a boolean: whether it names what exists */
} HsBuiltinVar;

/* A task as the task builtins see it; @name is borrowed from the environment and valid until
 * its next call. */
typedef struct
{
  guint machine;
  gint pid;
  guint64 address;              /* its task_struct */
  const char *name;
} HsBuiltinTask;

/* What the builtins read; a NULL member makes the builtins that need it unavailable there,
 * with @where in the message ("in a breakpoint condition"). Initialize it with designated
 * initializers: members are added at the end. */
typedef struct
{
  const char *where;
  HsBuiltinState (*state)         (gpointer      data);
  gboolean       (*core)          (gpointer      data,
                                   guint        *core,
                                   GError      **error);
  gboolean       (*read_register) (gpointer      data,
                                   const char   *name,
                                   guint64      *value,
                                   GError      **error);
  /* Memory at a virtual address of the current machine and space. */
  gboolean       (*read_memory)   (gpointer      data,
                                   guint64       address,
                                   void         *buf,
                                   gsize         len,
                                   GError      **error);
  gboolean       (*lookup_symbol) (gpointer      data,
                                   const char   *name,
                                   guint64      *value,
                                   GError      **error);
  /* Any address form in a string ("2:::init_task+0x10", "A:0x40000000") and memory there.
   * Without them, a string address is a plain symbol name read with @read_memory. */
  gboolean       (*resolve_address) (gpointer         data,
                                     const char      *text,
                                     HsAddress       *address,
                                     GError         **error);
  gboolean       (*read_address)  (gpointer         data,
                                   const HsAddress *address,
                                   void            *buf,
                                   gsize            len,
                                   GError         **error);
  /* The current machine: MACHINE.ID(), and the default of TASK.*(). */
  gboolean       (*machine)       (gpointer      data,
                                   guint        *machine,
                                   GError      **error);
  /* The guests' tasks as one list, and the current task's position in it. */
  gboolean       (*n_tasks)       (gpointer      data,
                                   guint        *n_tasks,
                                   GError      **error);
  void           (*task)          (gpointer       data,
                                   guint          position,
                                   HsBuiltinTask *task);
  gboolean       (*current_task)  (gpointer      data,
                                   guint        *position,
                                   GError      **error);
  /* @query about the C expression @expression ("[machine:::[space::]]expr", by default in the
   * current machine's kernel space): a number, a string or a boolean in @result. */
  gboolean       (*var)           (gpointer      data,
                                   HsBuiltinVar  query,
                                   const char   *expression,
                                   HsValue      *result,
                                   GError      **error);
} HsBuiltinEnv;

/* An expression context that calls the builtins over @env with @data; names are symbols. The
 * returned context points at @binding, which must outlive it. */
typedef struct
{
  const HsBuiltinEnv *env;
  gpointer data;
} HsBuiltinBinding;

HsExprContext  hs_builtins_context  (HsBuiltinBinding  *binding);
gboolean       hs_builtins_evaluate (const HsBuiltinEnv *env,
                                     gpointer            data,
                                     const char         *text,
                                     HsValue            *result,
                                     GError            **error);
/* "STATE.RUN(), ..., Data.Long(address), TASK.FIRST([machine]), ..." for HELP and messages. */
char          *hs_builtins_describe (void);

G_END_DECLS
