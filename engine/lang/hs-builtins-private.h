/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-builtins-private.h: the builtins' table entries and the helpers the files
 * that implement them share (hs-builtins.c: target, memory and tasks;
 * hs-builtins-string.c: STRing.*, FORMAT.*, CONVert.*, OS.*).
 */
#pragma once

#include "hs-builtins.h"

G_BEGIN_DECLS

#define HS_BUILTIN_MAX_ARGS 4

/* What an argument may be; ANY: a number or a string. */
enum
{
  ARG_NUMBER = 1 << 0,
  ARG_STRING = 1 << 1,
  ARG_ANY    = ARG_NUMBER | ARG_STRING,
  ARG_TEXT   = ARG_STRING | 1 << 2, /* the whole argument as written: a C expression */
};

typedef struct _HsBuiltin HsBuiltin;

typedef gboolean (*HsBuiltinFunc) (const HsBuiltinEnv  *env,
                                   gpointer             data,
                                   const HsBuiltin     *self,
                                   const HsValue       *args,
                                   guint                n_args,
                                   HsValue             *result,
                                   GError             **error);

struct _HsBuiltin
{
  const char *name;             /* TRACE32 spelling: capitals are the short form */
  const char *params;           /* for HELP and messages: "address", "s, start, length" */
  guint min_args;
  guint max_args;
  guint8 types[HS_BUILTIN_MAX_ARGS];
  guint size;                   /* the function's own: Data.*() bytes, a state, ... */
  HsBuiltinFunc func;
};

/* Fails with the function's name and usage: "STRing.MID(s, start, length): ..." */
gboolean hs_builtin_fail       (const HsBuiltin  *self,
                                GError          **error,
                                const char       *fmt,
                                ...) G_GNUC_PRINTF (3, 4);
/* Sets a string result, bounded by HS_BUILTIN_MAX_STRING (checked by the caller). */
void     hs_builtin_take_string (HsValue        *result,
                                 char           *string);

#define HS_BUILTIN_DECLARE(fn) \
  gboolean fn (const HsBuiltinEnv *env, gpointer data, const HsBuiltin *self, \
               const HsValue *args, guint n_args, HsValue *result, GError **error)

/* hs-builtins-string.c */
HS_BUILTIN_DECLARE (hs_builtin_string_length);
HS_BUILTIN_DECLARE (hs_builtin_string_mid);
HS_BUILTIN_DECLARE (hs_builtin_string_scan);
HS_BUILTIN_DECLARE (hs_builtin_string_case);
HS_BUILTIN_DECLARE (hs_builtin_string_trim);
HS_BUILTIN_DECLARE (hs_builtin_string_replace);
HS_BUILTIN_DECLARE (hs_builtin_string_compare);
HS_BUILTIN_DECLARE (hs_builtin_string_char);
HS_BUILTIN_DECLARE (hs_builtin_string_split);
HS_BUILTIN_DECLARE (hs_builtin_format_number);
HS_BUILTIN_DECLARE (hs_builtin_convert_hextoint);
HS_BUILTIN_DECLARE (hs_builtin_convert_char);
HS_BUILTIN_DECLARE (hs_builtin_os_file);
HS_BUILTIN_DECLARE (hs_builtin_os_pwd);
HS_BUILTIN_DECLARE (hs_builtin_os_env);

G_END_DECLS
