/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-builtins.h: the functions of the command language's expressions, in one
 * table: STATE.RUN(), CORE(), Register(pc), Data.Long(address), ...
 *
 * Every place that evaluates an expression (the command line, a script, a
 * breakpoint's /CONDition at a hit on the engine's worker) evaluates it with
 * these same builtins over an environment of its own: what the target's state
 * is, which core is current, how a register, memory or a symbol is read
 * there. A builtin whose environment cannot answer says so by name.
 */
#pragma once

#include "hs-expr.h"

G_BEGIN_DECLS

typedef enum
{
  HS_BUILTIN_STATE_DETACHED,
  HS_BUILTIN_STATE_RUNNING,
  HS_BUILTIN_STATE_HALTED,
} HsBuiltinState;

/* What the builtins read; a NULL member makes the builtins that need it unavailable there,
 * with @where in the message ("in a breakpoint condition"). */
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
  gboolean       (*read_memory)   (gpointer      data,
                                   guint64       address,
                                   void         *buf,
                                   gsize         len,
                                   GError      **error);
  gboolean       (*lookup_symbol) (gpointer      data,
                                   const char   *name,
                                   guint64      *value,
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
/* "STATE.RUN(), STATE.HALT(), ..." for HELP and messages. */
char          *hs_builtins_describe (void);

G_END_DECLS
