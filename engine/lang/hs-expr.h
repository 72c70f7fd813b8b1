/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-expr.h: expressions of the command language.
 *
 * Numbers follow TRACE32: "0x1f" is hex, "0y101" binary, "42." decimal,
 * and digits without prefix or trailing dot are hex (TRACE32's default
 * radix). Times carry a unit: "10.s", "500.ms", "20.us". Operators and
 * their precedence are C's. Functions (STATE.RUN(), Register(pc)) and names
 * are resolved through the caller's context, so this stays pure.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  HS_VALUE_NUMBER,
  HS_VALUE_BOOLEAN,
  HS_VALUE_STRING,
  HS_VALUE_TIME,       /* microseconds */
} HsValueType;

typedef struct
{
  HsValueType type;
  guint64 number;      /* NUMBER, BOOLEAN (0/1), TIME */
  char *string;        /* STRING */
} HsValue;

typedef gboolean (*HsExprCallFunc)   (const char     *name,
                                      const HsValue  *args,
                                      guint           n_args,
                                      HsValue        *result,
                                      gpointer        user_data,
                                      GError        **error);
typedef gboolean (*HsExprSymbolFunc) (const char     *name,
                                      HsValue        *result,
                                      gpointer        user_data,
                                      GError        **error);
/* Whether the function @name takes its argument as text, not as an expression: Var.VALUE()
 * takes a C expression ("init_task.comm[0]"), which is not one of ours. */
typedef gboolean (*HsExprTakesTextFunc) (const char  *name,
                                         gpointer     user_data);

typedef struct
{
  HsExprCallFunc call;       /* may be NULL: no functions */
  HsExprSymbolFunc symbol;   /* may be NULL: no names */
  gpointer user_data;
  HsExprTakesTextFunc takes_text; /* may be NULL: every argument is an expression */
} HsExprContext;

gboolean  hs_expr_evaluate        (const char           *text,
                                   const HsExprContext  *context,
                                   HsValue              *result,
                                   GError              **error);
gboolean  hs_expr_evaluate_number (const char           *text,
                                   const HsExprContext  *context,
                                   guint64              *result,
                                   GError              **error);
gboolean  hs_expr_parse_time      (const char           *text,
                                   guint64              *usec,
                                   GError              **error);
gboolean  hs_value_is_true        (const HsValue        *value);
char     *hs_value_format         (const HsValue        *value);
/* The text that evaluates to @value again (with the builtins, for TRUE() and FALSE()):
 * 0x1f, TRUE(), 10.ms, or a string in double quotes with its backslashes, double quotes,
 * newlines and tabs escaped the way the string reader takes them back. */
char     *hs_value_to_literal     (const HsValue        *value);
void      hs_value_clear          (HsValue              *value);
void      hs_value_set_number     (HsValue              *value,
                                   guint64               number);
void      hs_value_set_boolean    (HsValue              *value,
                                   gboolean              boolean);
void      hs_value_set_string     (HsValue              *value,
                                   const char           *string);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HsValue, hs_value_clear)

G_END_DECLS
